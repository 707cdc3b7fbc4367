import {createHash} from 'node:crypto'
import type {Stats} from 'node:fs'
import {createReadStream, createWriteStream} from 'node:fs'
import {mkdir, rm} from 'node:fs/promises'
import path from 'node:path'
import type {Readable} from 'node:stream'
import {Transform} from 'node:stream'
import {pipeline} from 'node:stream/promises'

import {ExitCode, UserError} from '../errors.js'

/**
 * Every entry gets this date, so the same files always give the same bytes: 1980-01-01 00:00, the
 * earliest date a zip (DOS) timestamp can hold. DOS timestamps have no time zone and yazl writes a Date's
 * local fields, so this is local midnight in the time zone of the moment (the same fields everywhere),
 * with no Unix timestamp field beside it (forceDosTimestamp).
 */
export function zipDate(): Date {
  return new Date(1980, 0, 1, 0, 0, 0)
}
/** The file-type bits of a regular file (S_IFREG), above the permission bits in a zip's Unix mode. */
const REGULAR_FILE = 0o100000
export const FILE_MODE = 0o644
export const EXECUTABLE_MODE = 0o755
/** zlib's default level: the usual size/speed trade-off of `zip -6`. */
export const ZIP_LEVEL = 6

/** A file in the zip: read from disk when it is written (`file`), or in memory (`data`, e.g. a bundle). */
export type ZipEntry =
  | {readonly name: string; readonly file: string; readonly stats: Stats}
  | {readonly name: string; readonly data: Buffer; readonly executable?: boolean}

export interface ZipResult {
  /** SHA-256 of the zip, base64: exactly what Lambda reports as CodeSha256. */
  readonly sha256: string
  /** The same digest in hex (artifact file names carry it). */
  readonly sha256Hex: string
  readonly zippedSize: number
  readonly unzippedSize: number
  readonly entries: number
}

/**
 * Starts loading the zip writer without waiting for it. Called as a build starts esbuild: it loads on this
 * thread while esbuild works in its own process, instead of after it (README "Performance").
 */
export function preloadZipWriter(): void {
  import('./zip-writer.js').catch(() => undefined) // a failure shows again, and is reported, when writeZip imports it
}

/** The size an entry takes once unzipped. */
export function entrySize(entry: ZipEntry): number {
  return 'data' in entry ? entry.data.length : entry.stats.size
}

/** 0755 when any execute bit is set on the source file, else 0644; nothing else of the source mode survives. */
export function normalizedMode(entry: ZipEntry): number {
  const executable = 'data' in entry ? entry.executable === true : (entry.stats.mode & 0o111) !== 0
  return executable ? EXECUTABLE_MODE : FILE_MODE
}

/**
 * Writes a deterministic zip to `file`: entries sorted by name, one fixed date, normalised modes,
 * no directory entries. Content streams from disk one file at a time, so a tree of hundreds of MB
 * never sits in memory. On any error, or when `signal` aborts, `file` is removed: callers write to
 * a temporary name and decide themselves when the zip becomes an artifact.
 */
export async function writeZip(entries: readonly ZipEntry[], file: string, options: {readonly signal?: AbortSignal} = {}): Promise<ZipResult> {
  const sorted = sortEntries(entries)
  const {signal} = options
  if (signal?.aborted) throw interruptedError()
  await mkdir(path.dirname(file), {recursive: true})
  const hash = createHash('sha256')
  let zippedSize = 0
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk)
      zippedSize += chunk.length
      callback(null, chunk)
    },
  })
  // Loaded on first use: a build whose zips all come from the cache doesn't load it.
  const {ZipFile} = await import('./zip-writer.js')
  const zip = new ZipFile()
  let unzippedSize = 0
  const mtime = zipDate()
  const output = zip.outputStream as Readable
  // yazl reports a file it can't read, or one whose size changed, on the ZipFile: that ends the output too.
  zip.on('error', (error: unknown) => output.destroy(error as Error))
  let reading: string | undefined // the file being zipped, which a size change is reported against
  try {
    for (const entry of sorted) {
      const options = {mtime, mode: REGULAR_FILE | normalizedMode(entry), compressionLevel: ZIP_LEVEL, forceDosTimestamp: true}
      unzippedSize += entrySize(entry)
      // Files are opened one at a time, as the zip reaches them; yazl checks each one still has the size stat gave.
      if ('data' in entry) zip.addBuffer(entry.data, entry.name, options)
      else {
        zip.addReadStreamLazy(entry.name, {...options, size: entry.stats.size}, (callback) => {
          reading = entry.file
          callback(null, createReadStream(entry.file).once('error', (error) => zip.emit('error', error)))
        })
      }
    }
    zip.end()
    await pipeline(output, measure, createWriteStream(file), {signal})
  } catch (error) {
    await rm(file, {force: true})
    throw signal?.aborted ? interruptedError() : readError(error, reading)
  }
  const digest = hash.digest()
  return {sha256: digest.toString('base64'), sha256Hex: digest.toString('hex'), zippedSize, unzippedSize, entries: sorted.length}
}

/** What an interrupted build throws: exit 130, like Ctrl-C. */
export function interruptedError(): UserError {
  return new UserError('Interrupted', 'Interrupted before the build was complete; the previous build is left as it was.', {exitCode: ExitCode.Interrupted})
}

/** Sorted by name (byte order, not locale), refusing two entries with one name. */
export function sortEntries(entries: readonly ZipEntry[]): ZipEntry[] {
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]?.name === sorted[i - 1]?.name) {
      throw new UserError('DuplicateZipEntry', `Two files would both be stored as "${sorted[i]?.name}" in the zip.`, {
        hints: ['Check "include" for a pattern that matches a bundle output (index.mjs, index.js).'],
      })
    }
  }
  return sorted
}

function readError(error: unknown, reading: string | undefined): unknown {
  const e = error as NodeJS.ErrnoException
  if (e.message === 'file data stream has unexpected number of bytes') {
    return new UserError('FileChanged', `${reading ?? 'A file'} changed size while it was being zipped; no artifact was written.`, {cause: error, hints: ['Run the build again once nothing is writing to the source files.']})
  }
  const name = /^(?:absolute path|invalid relative path): (.*)$/.exec(e.message ?? '')?.[1]
  if (name !== undefined) {
    return new UserError('UnzippableName', `"${name}" can't be stored in a zip: unzip tools would read it as a drive letter or a path out of the folder.`, {cause: error, hints: ['Rename the file, or leave it out with "exclude".']})
  }
  if (e.code && ['ENOENT', 'EACCES', 'EPERM', 'EISDIR', 'EIO'].includes(e.code)) {
    return new UserError('FileUnreadable', `Can't read ${e.path ?? 'a file'} (${e.code}) while zipping; no artifact was written.`, {
      cause: error,
      hints: ['Check the file exists and is readable, or leave it out with "exclude".'],
    })
  }
  return error
}
