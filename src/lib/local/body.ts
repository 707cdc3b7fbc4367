/**
 * Reading request bodies with a bound on memory: a body is refused as soon as it passes its
 * operation's limit, and whatever the router didn't read is discarded after it has answered, so a
 * client that is still sending reads that answer rather than a reset connection.
 */
import type {IncomingHttpHeaders, IncomingMessage} from 'node:http'
import {PassThrough, Transform} from 'node:stream'
import type {Readable} from 'node:stream'

/** How long the rest of a refused body is read and discarded before the connection is closed. */
const LINGER_MS = 10_000

/** A body that passed its operation's limit; each router answers it with its protocol's error. */
export class BodyTooLargeError extends Error {
  constructor(
    /** The operation's limit, in bytes. */
    readonly limit: number,
    /** The Content-Length the client declared, when it declared one (chunked bodies don't). */
    readonly declared: number | undefined,
  ) {
    super(`The request body is larger than ${limit} bytes.`)
    this.name = 'BodyTooLargeError'
  }
}

/** The Content-Length header as a number, when present and well-formed. */
export function declaredLength(headers: IncomingHttpHeaders): number | undefined {
  const text = headers['content-length']
  if (text === undefined || !/^\d+$/.test(text)) return undefined
  return Number(text)
}

/** Buffers the body; rejects with BodyTooLargeError (holding at most `limit` bytes) once it passes `limit`. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = declaredLength(req.headers)
  if (declared !== undefined && declared > limit) return Promise.reject(new BodyTooLargeError(limit, declared))
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const stop = (): void => {
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('close', onClose)
    }
    const onData = (chunk: Buffer): void => {
      size += chunk.length
      if (size > limit) {
        stop()
        req.pause()
        chunks.length = 0
        reject(new BodyTooLargeError(limit, declared))
        return
      }
      chunks.push(chunk)
    }
    const onEnd = (): void => {
      stop()
      resolve(Buffer.concat(chunks, size))
    }
    const onClose = (): void => {
      stop()
      reject(new Error('The client closed the connection before sending the whole request body.'))
    }
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('close', onClose)
  })
}

/** The body as a stream whose destruction leaves the request (and its connection) alone. */
export function bodyStream(req: IncomingMessage): Readable {
  const out = new PassThrough()
  req.pipe(out)
  const onClose = (): void => {
    if (!req.complete) out.destroy(new Error('The client closed the connection before sending the whole request body.'))
  }
  req.once('close', onClose)
  out.once('close', () => {
    req.unpipe(out)
    req.off('close', onClose)
  })
  return out
}

/** A pass-through that errors with BodyTooLargeError once more than `limit` bytes went through it. */
export function byteLimit(limit: number, declared?: number): Transform {
  let size = 0
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length
      if (size > limit) callback(new BodyTooLargeError(limit, declared))
      else callback(null, chunk)
    },
  })
}

/**
 * After the answer: reads and drops what is left of an unread or refused body for up to LINGER_MS,
 * then closes the connection. Closing at once would reset it while the client still sends, and the
 * client could lose the answer; keeping no bytes keeps memory bounded whatever the client sends.
 */
export function discardRest(req: IncomingMessage): void {
  if (req.complete || req.destroyed) return
  const timer = setTimeout(() => req.destroy(), LINGER_MS)
  timer.unref()
  req.once('close', () => clearTimeout(timer))
  req.resume()
}
