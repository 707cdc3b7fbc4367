// A zip in memory of `files` (name → content), for the benches that create functions with the SDK.
import {PassThrough} from 'node:stream'

import archiver from 'archiver'

export function zip(files) {
  return new Promise((resolve, reject) => {
    const archive = archiver('zip')
    const sink = new PassThrough()
    const chunks = []
    sink.on('data', (chunk) => chunks.push(chunk))
    sink.on('end', () => resolve(Buffer.concat(chunks)))
    archive.on('error', reject)
    archive.pipe(sink)
    for (const [name, content] of Object.entries(files)) archive.append(content, {name})
    void archive.finalize()
  })
}
