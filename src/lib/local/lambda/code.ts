/** Deployment packages: taken from the request (ZipFile) or the local S3, checked as Lambda checks them, stored by SHA-256. */
import yauzl from 'yauzl'

import {getBucket, readObject} from '../s3/objects.js'
import type {Store} from '../store.js'
import type {CodeRef} from './model.js'
import {invalidParameter, LambdaError} from './protocol.js'
import {isObject, LIMITS} from './validate.js'

/** A stored package, with the base64 SHA-256 Lambda reports as CodeSha256. */
export interface StoredCode extends CodeRef {
  readonly sha256Base64: string
}

/** The request-size limit AWS names in its RequestTooLargeException message, per operation. */
const REQUEST_LIMITS: Record<string, number> = {CreateFunction: 69_905_067, UpdateFunctionCode: 70_167_211, PublishLayerVersion: 69_905_067}

/**
 * Reads the package from `code` ({ZipFile} as base64, or {S3Bucket, S3Key}), checks it unzips and
 * fits the unzipped limit, and stores it.
 */
export async function acceptCode(store: Store, code: Record<string, unknown>, operation: string): Promise<StoredCode> {
  const zip = await codeBytes(store, code, operation)
  const unzippedSize = await unzippedSizeOf(zip)
  if (unzippedSize > LIMITS.unzippedMax) throw invalidParameter(`Unzipped size must be smaller than ${LIMITS.unzippedMax} bytes`)
  const blob = await store.putBlob(zip)
  return {sha256: blob.sha256, sha256Base64: blob.sha256Base64, size: blob.size, unzippedSize}
}

async function codeBytes(store: Store, code: Record<string, unknown>, operation: string): Promise<Buffer> {
  const {ZipFile, S3Bucket, S3Key, S3ObjectVersion, ImageUri} = code
  if (ImageUri !== undefined) throw invalidParameter('The sling local cloud runs zip packages only; container images (ImageUri) are not supported.')
  if (typeof ZipFile === 'string') {
    if (S3Bucket !== undefined || S3Key !== undefined) throw invalidParameter('Please provide a source for function code.')
    const zip = Buffer.from(ZipFile, 'base64')
    // AWS caps the request, which carries the zip base64-encoded: 50 MB of zip.
    if (zip.length > LIMITS.zippedDirectMax) {
      const limit = REQUEST_LIMITS[operation] ?? REQUEST_LIMITS.CreateFunction ?? 0
      throw new LambdaError('RequestTooLargeException', `Request must be smaller than ${limit} bytes for the ${operation} operation`)
    }
    return zip
  }
  if (typeof S3Bucket === 'string' && typeof S3Key === 'string') {
    if (S3ObjectVersion !== undefined) throw invalidParameter('The sling local S3 keeps no object versions; omit S3ObjectVersion.')
    const object = await readObject(store, S3Bucket, S3Key)
    if (!object) {
      const bucketExists = (await getBucket(store, S3Bucket)) !== undefined
      throw invalidParameter(
        bucketExists
          ? `Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist.`
          : `Error occurred while GetObject. S3 Error Code: NoSuchBucket. S3 Error Message: The specified bucket does not exist`,
      )
    }
    return object.bytes()
  }
  throw invalidParameter('Please provide a source for function code.')
}

/** The sum of the entries' uncompressed sizes; an unreadable zip is refused as Lambda refuses it. */
export async function unzippedSizeOf(zip: Buffer): Promise<number> {
  try {
    return await new Promise<number>((resolve, reject) => {
      yauzl.fromBuffer(zip, {lazyEntries: true, validateEntrySizes: true}, (error, file) => {
        if (error) return reject(error)
        let total = 0
        file.on('entry', (entry: yauzl.Entry) => {
          total += entry.uncompressedSize
          file.readEntry()
        })
        file.on('end', () => resolve(total))
        file.on('error', reject)
        file.readEntry()
      })
    })
  } catch {
    throw invalidParameter('Could not unzip uploaded file. Please check your file, then try to upload again.')
  }
}

/** Code input of CreateFunction/PublishLayerVersion (an object), refused as AWS refuses a missing one. */
export function codeInput(value: unknown, member: string): Record<string, unknown> {
  if (!isObject(value)) throw invalidParameter(`${member} is required.`)
  return value
}
