import {Transform} from 'node:stream'
import type {TransformCallback} from 'node:stream'

/**
 * Decodes the `aws-chunked` content encoding the SDKs use to stream uploads
 * (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`, `STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]`):
 * `<hex size>[;chunk-signature=…]\r\n<bytes>\r\n` … `0\r\n<trailer: value>\r\n…\r\n`.
 * Chunk signatures are not verified (the local cloud has no credentials to verify against).
 */
export class AwsChunkedDecoder extends Transform {
  /** Trailing headers (lower-cased names), e.g. `x-amz-checksum-crc32`. */
  readonly trailers: Record<string, string> = {}
  private pending: Buffer = Buffer.alloc(0)
  private state: 'size' | 'data' | 'data-end' | 'trailer' | 'done' = 'size'
  private remaining = 0

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk
    try {
      this.consume()
      callback()
    } catch (error) {
      callback(error as Error)
    }
  }

  override _flush(callback: TransformCallback): void {
    if (this.state === 'trailer' && this.pending.length === 0) this.state = 'done'
    callback(this.state === 'done' ? null : new Error('The aws-chunked body ended early.'))
  }

  private consume(): void {
    for (;;) {
      if (this.state === 'data') {
        if (this.pending.length === 0) return
        const take = Math.min(this.remaining, this.pending.length)
        this.push(this.pending.subarray(0, take))
        this.pending = this.pending.subarray(take)
        this.remaining -= take
        if (this.remaining === 0) this.state = 'data-end'
        continue
      }
      if (this.state === 'done') {
        this.pending = Buffer.alloc(0)
        return
      }
      const eol = this.pending.indexOf('\r\n')
      if (eol < 0) {
        if (this.pending.length > 64 * 1024) throw new Error('Malformed aws-chunked body: header line too long.')
        return
      }
      const line = this.pending.subarray(0, eol).toString('latin1')
      this.pending = this.pending.subarray(eol + 2)
      this.line(line)
    }
  }

  private line(line: string): void {
    switch (this.state) {
      case 'size': {
        const size = Number.parseInt(line.split(';')[0]?.trim() ?? '', 16)
        if (!Number.isInteger(size) || size < 0) throw new Error(`Malformed aws-chunked body: bad chunk size "${line}".`)
        this.remaining = size
        this.state = size === 0 ? 'trailer' : 'data'
        return
      }
      case 'data-end':
        if (line !== '') throw new Error('Malformed aws-chunked body: chunk longer than declared.')
        this.state = 'size'
        return
      case 'trailer': {
        if (line === '') {
          this.state = 'done'
          return
        }
        const colon = line.indexOf(':')
        if (colon > 0) this.trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
        return
      }
      case 'data':
      case 'done':
        return
    }
  }
}

/** True when the request body uses the aws-chunked encoding. */
export function isAwsChunked(headers: Record<string, string | string[] | undefined>): boolean {
  const sha = String(headers['x-amz-content-sha256'] ?? '')
  const encoding = String(headers['content-encoding'] ?? '')
  return sha.startsWith('STREAMING-') || encoding.split(',').some((part) => part.trim() === 'aws-chunked')
}
