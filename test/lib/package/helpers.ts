import {mkdir, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {afterEach} from 'vitest'
import yauzl from 'yauzl'

import type {ProjectConfig} from '../../../src/lib/config/load.js'
import {loadConfig} from '../../../src/lib/config/load.js'
import {tempDir} from '../../helpers/cli.js'

export interface ZipFileEntry {
  readonly name: string
  /** Unix permission bits from the external attributes. */
  readonly mode: number
  readonly dosDate: number
  readonly dosTime: number
  readonly data: Buffer
}

/** Reads a zip back the way Lambda's unzip would see it. */
export async function readZip(file: string): Promise<ZipFileEntry[]> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.open(file, {lazyEntries: true}, (error, z) => (error ? reject(error) : resolve(z))))
  const entries: ZipFileEntry[] = []
  return new Promise((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (error, stream) => {
        if (error) return reject(error)
        const chunks: Buffer[] = []
        stream.on('data', (chunk: Buffer) => chunks.push(chunk))
        stream.on('end', () => {
          entries.push({name: entry.fileName, mode: (entry.externalFileAttributes >>> 16) & 0o7777, dosDate: entry.lastModFileDate, dosTime: entry.lastModFileTime, data: Buffer.concat(chunks)})
          zip.readEntry()
        })
      })
    })
    zip.on('end', () => resolve(entries))
    zip.on('error', reject)
    zip.readEntry()
  })
}

/** A throwaway project: `files` (path → content) plus sling.config.json from `config`. */
export async function aProject(files: Record<string, string>, config: Record<string, unknown>): Promise<{dir: string; load: (stage?: string) => Promise<ProjectConfig>; cleanup: () => Promise<void>}> {
  const {dir, cleanup} = await tempDir('sling-package-')
  await writeFiles(dir, {...files, 'sling.config.json': JSON.stringify({service: 'demo', ...config}, null, 2)})
  return {dir, cleanup, load: (stage) => loadConfig({file: path.join(dir, 'sling.config.json'), stage})}
}

/**
 * For a test file's top level: `project(files, config)` makes aProject, removed after each test, as is whatever is
 * handed to `removeAfterEach`.
 */
export function tempProjects(): {
  project: (files: Record<string, string>, config: Record<string, unknown>) => ReturnType<typeof aProject>
  removeAfterEach: (cleanup: () => Promise<void>) => void
} {
  const cleanups: (() => Promise<void>)[] = []
  afterEach(async () => {
    await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()))
  })
  return {
    async project(files, config) {
      const created = await aProject(files, config)
      cleanups.push(created.cleanup)
      return created
    },
    removeAfterEach(cleanup) {
      cleanups.push(cleanup)
    },
  }
}

export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), {recursive: true})
    await writeFile(path.join(dir, name), content)
  }
}

export const HELLO_HANDLER = 'export const handler = async (event) => ({statusCode: 200, body: JSON.stringify(event)})\n'
