#!/usr/bin/env node
// The floor for `sling package`: one Node.js process that runs esbuild's API and a deterministic zip
// (archiver: sorted entries, fixed date, 0644/0755) on the same input with the same settings, and
// nothing else: no CLI, no config, no checks, no manifest.
// Usage: node package-floor.mjs SPEC.json   (written by package.bench.mjs)
import archiver from 'archiver'
import {build} from 'esbuild'
import {createHash} from 'node:crypto'
import {createWriteStream, readFileSync} from 'node:fs'
import {mkdir, stat} from 'node:fs/promises'
import path from 'node:path'
import {pipeline} from 'node:stream/promises'
import {Transform} from 'node:stream'
import {glob} from 'tinyglobby'

const DATE = new Date(Date.UTC(1980, 0, 1))
const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'))

async function zip(entries, out) {
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  await mkdir(path.dirname(out), {recursive: true})
  const archive = archiver('zip', {zlib: {level: spec.level}})
  const hash = createHash('sha256')
  let size = 0
  const measure = new Transform({transform(chunk, _e, cb) { hash.update(chunk); size += chunk.length; cb(null, chunk) }})
  for (const e of entries) {
    if (e.data) archive.append(e.data, {name: e.name, date: DATE, mode: 0o644})
    else archive.file(e.file, {name: e.name, date: DATE, mode: e.stats.mode & 0o111 ? 0o755 : 0o644, stats: e.stats})
  }
  await Promise.all([archive.finalize(), pipeline(archive, measure, createWriteStream(out))])
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
