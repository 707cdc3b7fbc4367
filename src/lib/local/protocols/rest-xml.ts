/**
 * The REST-XML protocol (S3): the operation is the HTTP method, path and subresource the model binds,
 * XML documents in and out, errors as an `<Error><Code/><Message/>…</Error>` document.
 */
import type {ServerResponse} from 'node:http'

import {XMLBuilder, XMLParser} from 'fast-xml-parser'

const builder = new XMLBuilder({ignoreAttributes: false, suppressEmptyNode: false})

/** One XML document: `body` under `root` (arrays repeat their element), in `namespace` when given. */
export function xmlDocument(root: string, body: Record<string, unknown>, namespace?: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${String(builder.build({[root]: namespace ? {'@_xmlns': namespace, ...body} : body}))}`
}

/** A parser of request documents; `lists` names the elements that are always arrays. */
export function xmlParser(lists: readonly string[]): (text: string) => Record<string, unknown> {
  const parser = new XMLParser({ignoreAttributes: true, parseTagValue: false, isArray: (name) => lists.includes(name)})
  return (text) => parser.parse(text) as Record<string, unknown>
}

/**
 * Writes an error document. HEAD answers carry no body (the SDKs name the error after the status);
 * a 503 asks the client to retry after a second.
 */
export function sendXmlError(response: ServerResponse, status: number, fields: Record<string, unknown>, headers: Record<string, string>, method: string): void {
  const retry = status === 503 ? {'retry-after': '1'} : {}
  if (method === 'HEAD') {
    response.writeHead(status, {...headers, ...retry})
    response.end()
    return
  }
  const xml = xmlDocument('Error', fields)
  response.writeHead(status, {...headers, ...retry, 'content-type': 'application/xml', 'content-length': String(Buffer.byteLength(xml))})
  response.end(xml)
}
