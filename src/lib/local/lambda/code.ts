/** Deployment packages: taken from the request (ZipFile) or the local S3, checked as Lambda checks them, stored by SHA-256. */
import path from 'node:path'
import type {Readable} from 'node:stream'

import yauzl from 'yauzl'

import type {LocalContext} from '../contract.js'
import type {CodeRef} from './records.js'
import {invalidParameter, LambdaError, requestTooLarge} from './protocol.js'
import {isObject, LIMITS} from './validate.js'

/** A stored package, with the base64 SHA-256 Lambda reports as CodeSha256. */
export interface StoredCode extends CodeRef {
  readonly sha256Base64: string
}

/** Where a package comes from: the request's ZipFile (in memory) or an object of the local S3 (a file, streamed). */
type ZipSource = {readonly buffer: Buffer} | {readonly file: string; open(): Readable}

/**
 * Reads the package from `code` ({ZipFile} as base64, or {S3Bucket, S3Key}), inflates every entry to
 * check it unzips and fits the unzipped limit (refused as soon as the inflated bytes pass it, whatever
 * the zip declares), and only then stores it.
 */
export async function acceptCode(context: LocalContext, code: Record<string, unknown>, operation: string): Promise<StoredCode> {
  const source = await codeSource(context, code, operation)
  const unzippedSize = await inflatedSizeOf(source)
  const blob = await context.store.putBlob('buffer' in source ? source.buffer : source.open())
  return {sha256: blob.sha256, sha256Base64: blob.sha256Base64, size: blob.size, unzippedSize}
}

async function codeSource(context: LocalContext, code: Record<string, unknown>, operation: string): Promise<ZipSource> {
  const {ZipFile, S3Bucket, S3Key, S3ObjectVersion, ImageUri} = code
  if (ImageUri !== undefined) throw invalidParameter('The sling local cloud runs zip packages only; container images (ImageUri) are not supported.')
  if (typeof ZipFile === 'string') {
    if (S3Bucket !== undefined || S3Key !== undefined) throw invalidParameter('Please provide a source for function code.')
    const zip = Buffer.from(ZipFile, 'base64')
    // The request limit lets 50 MB of zip through base64-encoded; the zip itself is held to 50 MB too.
    if (zip.length > LIMITS.zippedDirectMax) throw requestTooLarge(operation)
    return {buffer: zip}
  }
  if (typeof S3Bucket === 'string' && typeof S3Key === 'string') {
    if (S3ObjectVersion !== undefined) throw invalidParameter('The sling local S3 keeps no object versions; omit S3ObjectVersion.')
    // Read through S3's hook: Lambda never reads S3's documents itself.
    const object = await context.hooks.s3.read(S3Bucket, S3Key)
    if (object === 'NoSuchKey') throw invalidParameter(`Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist.`)
    if (object === 'NoSuchBucket') throw invalidParameter(`Error occurred while GetObject. S3 Error Code: NoSuchBucket. S3 Error Message: The specified bucket does not exist`)
    // An object may be gigabytes: it is read from its blob file, never into memory.
    return {file: context.store.blobPath(object.blob.sha256), open: () => object.open()}
  }
  throw invalidParameter('Please provide a source for function code.')
}

const unreadable = (): LambdaError => invalidParameter('Could not unzip uploaded file. Please check your file, then try to upload again.')
const tooLargeUnzipped = (): LambdaError => invalidParameter(`Unzipped size must be smaller than ${LIMITS.unzippedMax} bytes`)

/**
 * The bytes the entries really inflate to. A zip whose headers understate its entries (a zip bomb) is
 * refused once the inflated bytes pass the unzipped limit; one whose headers disagree with its data
 * in any other way is unreadable, as Lambda finds it.
 */
export async function inflatedSizeOf(source: ZipSource): Promise<number> {
  const zip = await openZip(source).catch(() => {
    throw unreadable()
  })
  return new Promise<number>((resolve, reject) => {
    let total = 0
    let failed = false
    const fail = (error: unknown): void => {
      if (failed) return
      failed = true
      zip.close()
      reject(error instanceof LambdaError ? error : unreadable())
    }
    const tree = new EntryTree()
    zip.on('error', fail)
    zip.on('end', () => resolve(total))
    zip.on('entry', (entry: yauzl.Entry) => {
      if (!tree.add(entry)) return fail(unreadable())
      if (entry.fileName.endsWith('/')) return zip.readEntry()
      zip.openReadStream(entry, (error, stream) => {
        if (error) return fail(error)
        let size = 0
        stream.on('data', (chunk: Buffer) => {
          size += chunk.length
          total += chunk.length
          if (total > LIMITS.unzippedMax) {
            stream.destroy()
            fail(tooLargeUnzipped())
          }
        })
        stream.on('error', fail)
        stream.on('end', () => (size === entry.uncompressedSize ? zip.readEntry() : fail(unreadable())))
      })
    })
    zip.readEntry()
  })
}

const FILE_TYPE = 0o170000
const SYMLINK = 0o120000

/**
 * The paths a package's entries make: a path can't be both a file and a directory (`x` and `x/y`),
 * or extracting it fails (EEXIST) at every invoke. Such a zip is refused at upload, as one Lambda can't
 * unzip. Links are left out of the check: one where the archive also has a file or directory is
 * simply not created (see runtime/extract.ts).
 */
class EntryTree {
  private readonly files = new Set<string>()
  private readonly dirs = new Set<string>()

  /** Records the entry; false when it contradicts an earlier one. */
  add(entry: yauzl.Entry): boolean {
    const name = path.posix.normalize(entry.fileName)
    const segments = name.split('/').filter((segment) => segment !== '' && segment !== '.')
    const directory = entry.fileName.endsWith('/')
    const parents = directory ? segments.length : segments.length - 1
    for (let i = 1; i <= parents; i++) {
      const dir = segments.slice(0, i).join('/')
      if (this.files.has(dir)) return false
      this.dirs.add(dir)
    }
    if (directory || ((entry.externalFileAttributes >>> 16) & FILE_TYPE) === SYMLINK) return true
    const file = segments.join('/')
    if (this.dirs.has(file)) return false
    this.files.add(file)
    return true
  }
}

function openZip(source: ZipSource): Promise<yauzl.ZipFile> {
  // Sizes are checked against the inflated bytes above, not trusted from the headers.
  const options = {lazyEntries: true, validateEntrySizes: false}
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, zip: yauzl.ZipFile): void => (error ? reject(error) : resolve(zip))
    if ('buffer' in source) yauzl.fromBuffer(source.buffer, options, done)
    else yauzl.open(source.file, options, done)
  })
}

/** Code input of CreateFunction/PublishLayerVersion (an object), refused as AWS refuses a missing one. */
export function codeInput(value: unknown, member: string): Record<string, unknown> {
  if (!isObject(value)) throw invalidParameter(`${member} is required.`)
  return value
}
