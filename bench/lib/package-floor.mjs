#!/usr/bin/env node
// The floor for `sling package`: one Node.js process that runs esbuild's API and a deterministic zip with the
// zip library sling uses (yazl: sorted entries, local 1980-01-01, 0644/0755 regular files, DOS timestamps only)
// on the same input with the same settings, and nothing else: no CLI, no config, no checks, no manifest. Its zips
// are byte-identical to sling's (the package bench checks), so the two do the same work.
// Usage: node package-floor.mjs SPEC.json   (written by package.bench.mjs)
import {build} from 'esbuild'
import {createHash} from 'node:crypto'
import {createReadStream, createWriteStream, readFileSync} from 'node:fs'
import {mkdir, stat} from 'node:fs/promises'
import path from 'node:path'
import {pipeline} from 'node:stream/promises'
import {Transform} from 'node:stream'
import {glob} from 'tinyglobby'
import yazl from 'yazl'

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'))

async function zip(entries, out) {
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  await mkdir(path.dirname(out), {recursive: true})
  const archive = new yazl.ZipFile()
  const mtime = new Date(1980, 0, 1)
  for (const e of entries) {
    const options = {mtime, compressionLevel: spec.level, forceDosTimestamp: true}
    if (e.data) archive.addBuffer(e.data, e.name, {...options, mode: 0o100644})
    else archive.addReadStreamLazy(e.name, {...options, mode: e.stats.mode & 0o111 ? 0o100755 : 0o100644, size: e.stats.size}, (cb) => cb(null, createReadStream(e.file)))
  }
  archive.end()
  const hash = createHash('sha256')
  let size = 0
  const measure = new Transform({transform(chunk, _e, cb) { hash.update(chunk); size += chunk.length; cb(null, chunk) }})
  await pipeline(archive.outputStream, measure, createWriteStream(out))
  return {sha256: hash.digest('base64'), size}
}

async function one(job) {
  if (job.esbuild) {
    const result = await build(job.esbuild)
    return zip(result.outputFiles.map((f) => ({name: path.basename(f.path), data: Buffer.from(f.contents)})), job.out)
  }
  const files = await glob(['**'], {cwd: job.dir, dot: true, onlyFiles: true, followSymbolicLinks: true})
  const entries = await Promise.all(files.map(async (name) => ({name, file: path.join(job.dir, name), stats: await stat(path.join(job.dir, name))})))
  return zip(entries, job.out)
}

const results = await Promise.all(spec.jobs.map(one))
process.stdout.write(JSON.stringify(results))
