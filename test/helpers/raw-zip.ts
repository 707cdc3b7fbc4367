/**
 * Zips written byte by byte, for archives no well-behaved zip library writes: entries that escape
 * the archive root, symbolic links, and headers that lie about sizes.
 */
import {createDeflateRaw, deflateRawSync} from 'node:zlib'

export interface RawEntry {
  readonly name: string
  /** The entry's bytes (a symbolic link's target for a link). */
  readonly data?: Buffer | string
  /** Already-deflated bytes, for entries too large to hold inflated (see `deflatedZeros`). */
  readonly deflated?: Buffer
  /** Unix mode bits, file type included. @default 0o100644 (0o040755 for names ending in "/") */
  readonly mode?: number
  /** The uncompressed size the headers declare, when it should differ from the real one. */
  readonly declaredSize?: number
}

export const SYMLINK_MODE = 0o120777

/** A symbolic link entry: its content is the target, as zip --symlinks stores it. */
export function link(name: string, target: string): RawEntry {
  return {name, data: target, mode: SYMLINK_MODE}
}

/** `size` zero bytes, deflated without ever holding them in memory. */
export async function deflatedZeros(size: number): Promise<Buffer> {
  const deflate = createDeflateRaw({level: 9})
  const chunks: Buffer[] = []
  deflate.on('data', (chunk: Buffer) => chunks.push(chunk))
  const done = new Promise<void>((resolve, reject) => {
    deflate.on('end', resolve)
    deflate.on('error', reject)
  })
  const block = Buffer.alloc(1024 * 1024)
  for (let left = size; left > 0; left -= block.length) {
    if (!deflate.write(left >= block.length ? block : block.subarray(0, left))) await new Promise((resolve) => deflate.once('drain', resolve))
  }
  deflate.end()
  await done
  return Buffer.concat(chunks)
}

const CRC_TABLE = Array.from({length: 256}, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

function crc32(data: Buffer): number {
  let crc = 0xffffffff
  for (const byte of data) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}

/** A zip of `entries`, in order, deflated, made on Unix (so modes and links are read as such). */
export function rawZip(entries: readonly RawEntry[]): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const entry of entries) {
    const name = Buffer.from(entry.name)
    const data = entry.data === undefined ? Buffer.alloc(0) : Buffer.from(entry.data)
    const compressed = entry.deflated ?? deflateRawSync(data)
    const size = entry.declaredSize ?? data.length
    const crc = entry.deflated ? 0 : crc32(data)
    const mode = entry.mode ?? (entry.name.endsWith('/') ? 0o040755 : 0o100644)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(8, 8) // deflate
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(compressed.length, 18)
    local.writeUInt32LE(size, 22)
    local.writeUInt16LE(name.length, 26)
    locals.push(local, name, compressed)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE((3 << 8) | 20, 4) // made by Unix
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(8, 10)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(compressed.length, 20)
    central.writeUInt32LE(size, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt32LE((mode << 16) >>> 0, 38)
    central.writeUInt32LE(offset, 42)
    centrals.push(central, name)
    offset += local.length + name.length + compressed.length
  }
  const directory = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, directory, end])
}
