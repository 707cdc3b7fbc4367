import {PassThrough} from 'node:stream'

import {describe, expect, test} from 'vitest'

import {LogBuffer, readLines, splitMessage, tailBytes} from '../../../../src/lib/local/runtime/log-buffer.js'

/** Feeds `chunks` through readLines and collects the pieces (as text) and how many lines were split. */
async function linesOf(chunks: (string | Buffer)[], maxBytes: number): Promise<{lines: string[]; split: number}> {
  const stream = new PassThrough()
  const lines: string[] = []
  let split = 0
  readLines(stream, maxBytes, {line: (piece) => lines.push(piece.toString('utf8')), split: () => split++})
  const ended = new Promise((resolve) => stream.on('end', resolve))
  for (const chunk of chunks) stream.write(chunk)
  stream.end()
  await ended
  return {lines, split}
}

describe('readLines', () => {
  test('splits at "\\n" only, across chunk boundaries, and delivers a last line without a newline', async () => {
    expect(await linesOf(['ab', 'c\nd', 'e\n\nf\r\n', 'tail'], 100)).toEqual({lines: ['abc', 'de', '', 'f\r', 'tail'], split: 0})
  })

  test('a line of exactly the limit stays whole; one byte more is split', async () => {
    expect(await linesOf(['12345\n'], 5)).toEqual({lines: ['12345'], split: 0})
    expect(await linesOf(['123', '456\n'], 5)).toEqual({lines: ['12345', '6'], split: 1})
  })

  test('never cuts a UTF-8 character in two, even when the chunk boundary does', async () => {
    const emoji = Buffer.from('a😀b') // 1 + 4 + 1 bytes
    const {lines} = await linesOf([emoji.subarray(0, 3), emoji.subarray(3), '\n'], 4)
    expect(lines).toEqual(['a', '😀', 'b'])
  })
})

test('splitMessage cuts at character boundaries, in bytes', () => {
  expect(splitMessage('short', 8)).toEqual(['short'])
  expect(splitMessage('ééééé', 4)).toEqual(['éé', 'éé', 'é'])
  expect(splitMessage('a😀😀', 6)).toEqual(['a😀', '😀'])
})

describe('LogBuffer', () => {
  test('keeps events up to the limit in bytes, then drops every later one and says so once', () => {
    const buffer = new LogBuffer(10)
    buffer.add(1, 'éééé') // 8 bytes
    buffer.add(2, Buffer.from('abc')) // would make 11
    buffer.add(3, 'x') // would fit, but comes after a dropped event
    buffer.countSplit()
    expect(buffer.take().map((event) => event.message)).toEqual([
      'éééé',
      'sling local cloud: 1 log lines longer than 256 KiB were split into events of at most 256 KiB',
      expect.stringMatching(/^sling local cloud: 2 log lines dropped \(over [\d.e-]+ MiB of output in one invocation\)$/),
    ])
    buffer.add(4, 'next')
    expect(buffer.take()).toEqual([{timestamp: 4, message: 'next'}])
  })
})

test('tailBytes is the last bytes of the events, one line each', () => {
  const events = [{timestamp: 1, message: 'first'}, {timestamp: 2, message: 'second'}, {timestamp: 3, message: 'third'}]
  expect(tailBytes(events, 9).toString()).toBe('nd\nthird\n')
  expect(tailBytes(events, 100).toString()).toBe('first\nsecond\nthird\n')
})
