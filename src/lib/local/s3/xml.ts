import {randomBytes} from 'node:crypto'
import type {ServerResponse} from 'node:http'

import {BodyTooLargeError} from '../body.js'
import type {LocalRequest, ProtocolError} from '../contract.js'
import {ServiceError} from '../contract.js'
import {sendXmlError, xmlDocument, xmlParser} from '../protocols/rest-xml.js'

export const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/'
const parse = xmlParser(['Part', 'Object'])

/** An S3 error with its status and code; the router writes it as an `<Error>` document. */
export class S3Error extends ServiceError {
  constructor(status: number, code: string, message: string, fields?: Record<string, unknown>) {
    super(status, code, message, fields)
  }
}

export const noSuchBucket = (bucket: string): S3Error => new S3Error(404, 'NoSuchBucket', 'The specified bucket does not exist', {BucketName: bucket})
export const noSuchKey = (key: string): S3Error => new S3Error(404, 'NoSuchKey', 'The specified key does not exist.', {Key: key})
export const noSuchUpload = (uploadId: string): S3Error =>
  new S3Error(404, 'NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', {UploadId: uploadId})

export function requestIds(): {'x-amz-request-id': string; 'x-amz-id-2': string} {
  return {'x-amz-request-id': randomBytes(8).toString('hex').toUpperCase(), 'x-amz-id-2': randomBytes(48).toString('base64')}
}

/** Renders `body` as S3's XML: one root element in the S3 namespace (arrays repeat their element). */
export function toXml(root: string, body: Record<string, unknown>, namespace = true): string {
  return xmlDocument(root, body, namespace ? S3_NS : undefined)
}

export function sendXml(response: ServerResponse, status: number, root: string, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
  const xml = toXml(root, body)
  response.writeHead(status, {...requestIds(), 'content-type': 'application/xml', 'content-length': String(Buffer.byteLength(xml)), ...headers})
  response.end(xml)
}

export function sendEmpty(response: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  response.writeHead(status, {...requestIds(), 'content-length': '0', ...headers})
  response.end()
}

/** S3's error document; HEAD responses carry no body, so the SDK names the error after the status. */
export function sendS3Error(response: ServerResponse, error: ProtocolError, method: string, resource: string): void {
  const ids = requestIds()
  const fields = {Code: error.code, Message: error.message, ...error.fields, Resource: resource, RequestId: ids['x-amz-request-id'], HostId: ids['x-amz-id-2']}
  sendXmlError(response, error.status, fields, ids, method)
}

/**
 * The largest XML request body read (CreateBucket, DeleteObjects, CompleteMultipartUpload): 1,000 keys
 * of 1,024 bytes or 10,000 parts fit with room for XML escapes.
 */
const XML_BODY_LIMIT = 10 * 1024 * 1024

/** The request's XML document, parsed; a body past the limit is refused as S3 refuses it. */
export async function readXml(request: LocalRequest): Promise<Record<string, unknown>> {
  let body: Buffer
  try {
    body = await request.body(XML_BODY_LIMIT)
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw new S3Error(400, 'MaxMessageLengthExceeded', 'Your request was too big.')
    throw error
  }
  return parseXml(body.toString('utf8'))
}

export function parseXml(text: string): Record<string, unknown> {
  if (text.trim() === '') return {}
  try {
    return parse(text)
  } catch {
    throw new S3Error(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.')
  }
}

/** RFC 7231 date, as S3 sends Last-Modified. */
export const httpDate = (iso: string): string => new Date(iso).toUTCString()
