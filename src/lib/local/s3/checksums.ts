import {createHash} from 'node:crypto'
import type {Hash} from 'node:crypto'
import {Transform} from 'node:stream'
import type {TransformCallback} from 'node:stream'
import zlib from 'node:zlib'

/** S3's flexible checksum algorithms, by the suffix of their x-amz-checksum-* header. */
export const CHECKSUM_ALGORITHMS = ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'] as const
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number]

export function isChecksumAlgorithm(name: string): name is ChecksumAlgorithm {
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(name)
}

interface Checksum {
  update(data: Buffer): void
  digest(): Buffer
}

function crcTable(polynomial: number): Uint32Array {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? polynomial ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
}

const tables = new Map<number, Uint32Array>()

/** Table-driven reflected CRC-32 (CRC-32C has no built-in in Node; CRC-32 only from Node 20.15). */
function tableCrc(polynomial: number): Checksum {
  let table = tables.get(polynomial)
  if (!table) tables.set(polynomial, (table = crcTable(polynomial)))
  const t = table
  let crc = 0xffffffff
  return {
    update(data) {
      for (const byte of data) crc = (t[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8)
    },
    digest: () => uint32((crc ^ 0xffffffff) >>> 0),
  }
}

function uint32(value: number): Buffer {
  const buffer = Buffer.alloc(4)
  buffer.writeUInt32BE(value >>> 0)
  return buffer
}

const zlibCrc32 = (zlib as {crc32?: (data: Buffer, value?: number) => number}).crc32

function crc32(): Checksum {
  if (!zlibCrc32) return tableCrc(0xedb88320)
  let value = 0
  return {update: (data) => void (value = zlibCrc32(data, value)), digest: () => uint32(value)}
}

function fromHash(hash: Hash): Checksum {
  return {update: (data) => void hash.update(data), digest: () => hash.digest()}
}

/** A checksum we can compute, or undefined (CRC64NVME: stored as the client sent it, not verified). */
function checksumOf(algorithm: ChecksumAlgorithm): Checksum | undefined {
  switch (algorithm) {
    case 'crc32':
      return crc32()
    case 'crc32c':
      return tableCrc(0x82f63b78)
    case 'sha1':
      return fromHash(createHash('sha1'))
    case 'sha256':
      return fromHash(createHash('sha256'))
    case 'crc64nvme':
      return undefined
  }
}

/** Base64 checksum of `data`, or undefined when sling can't compute that algorithm. */
export function checksumBase64(algorithm: ChecksumAlgorithm, data: Buffer): string | undefined {
  const checksum = checksumOf(algorithm)
  if (!checksum) return undefined
  checksum.update(data)
  return checksum.digest().toString('base64')
}

/** Passes bytes through while computing their MD5 (the ETag), size, and an optional flexible checksum. */
export class BodyDigest extends Transform {
  size = 0
  private readonly md5 = createHash('md5')
  private readonly checksum: Checksum | undefined
  private result: {md5: Buffer; checksum: string | undefined} | undefined

  constructor(readonly algorithm?: ChecksumAlgorithm) {
    super()
    this.checksum = algorithm ? checksumOf(algorithm) : undefined
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length
    this.md5.update(chunk)
    this.checksum?.update(chunk)
    callback(null, chunk)
  }

  /** Call once the stream has ended. */
  digests(): {md5: Buffer; checksum: string | undefined} {
    this.result ??= {md5: this.md5.digest(), checksum: this.checksum?.digest().toString('base64')}
    return this.result
  }
}
