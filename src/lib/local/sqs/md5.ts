/**
 * The digests SQS answers with a message, computed as SQS computes them: the SDKs check MD5OfMessageBody
 * (and some MD5OfMessageAttributes) against their own and refuse an answer that disagrees.
 */
import {createHash} from 'node:crypto'

import type {QueueMessageAttribute} from '../contract.js'

export function md5Hex(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex')
}

function lengthPrefixed(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(bytes.length)
  return Buffer.concat([length, bytes])
}

/**
 * MD5 of message attributes: for each attribute by name, the name, the data type, a transport byte (1 for a
 * string value, 2 for binary) and the value, each but the byte preceded by its length as 4 bytes big-endian.
 * Undefined when there are none (SQS then leaves MD5OfMessageAttributes out).
 */
export function md5OfAttributes(attributes: Readonly<Record<string, QueueMessageAttribute>>): string | undefined {
  const names = Object.keys(attributes).sort()
  if (names.length === 0) return undefined
  const hash = createHash('md5')
  for (const name of names) {
    const attribute = attributes[name]
    if (!attribute) continue
    hash.update(lengthPrefixed(Buffer.from(name, 'utf8')))
    hash.update(lengthPrefixed(Buffer.from(attribute.DataType, 'utf8')))
    if (attribute.StringValue !== undefined) {
      hash.update(Buffer.from([1]))
      hash.update(lengthPrefixed(Buffer.from(attribute.StringValue, 'utf8')))
    } else {
      hash.update(Buffer.from([2]))
      hash.update(lengthPrefixed(Buffer.from(attribute.BinaryValue ?? '', 'base64')))
    }
  }
  return hash.digest('hex')
}
