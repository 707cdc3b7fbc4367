import {createHash} from 'node:crypto'
import {readFile, stat} from 'node:fs/promises'
import path from 'node:path'

import {writeAtomic} from '../fs.js'
import type {ProjectConfig} from './load.js'

/*
 * The config memo. Validating sling.config.json means loading the validator compiled from the schema and the
 * modules behind its messages, about 8 ms of a command's start-up (zod and the schema, about 40 ms more, only for
 * a config the compiled validator can't vouch for), and its answer depends on nothing but the file's text, its
 * path, the stage and sling's own code.
 * `.sling/cache/config-<id>.bin` keeps the last answer for each config file and stage, under a key hashed from
 * all four (sling's code by dist/build-id.txt, which the build writes from every file it emits) and the V8
 * version (the serialization format). Any doubt (no build id, as when tests run the sources; another key; an
 * unreadable file) means validating afresh. Only valid configs are remembered: an invalid one is explained by
 * zod every time. The memo is kept only where `.sling/` exists already (sling has built there): reading a
 * config never creates a folder in a project.
 */

const BUILD_ID = new URL('../../build-id.txt', import.meta.url)

export interface ConfigMemo {
  /** The config as validated before, or undefined. */
  read(): Promise<ProjectConfig | undefined>
  /** Remembers a validated config; never fails (a memo that can't be written only costs a validation). */
  write(config: ProjectConfig): Promise<void>
}

/** The memo of `file` (absolute) read with `stage`, whose text is `text`; undefined when sling runs from its sources. */
export async function configMemo(file: string, stage: string | undefined, text: string): Promise<ConfigMemo | undefined> {
  const build = (await readFile(BUILD_ID, 'utf8').catch(() => '')).trim()
  if (build === '') return undefined
  const stateDir = path.join(path.dirname(file), '.sling')
  const memoFile = path.join(stateDir, 'cache', `config-${sha256(JSON.stringify([file, stage ?? null])).slice(0, 16)}.bin`)
  const key = sha256(JSON.stringify([build, process.versions.v8, file, stage ?? null, text]))
  return {
    async read() {
      try {
        const data = await readFile(memoFile)
        const {deserialize} = await import('node:v8') // loaded only where there is a memo
        const memo = deserialize(data) as {key?: unknown; config?: ProjectConfig}
        return memo.key === key ? memo.config : undefined
      } catch {
        return undefined
      }
    },
    async write(config) {
      const isDir = await stat(stateDir).then((s) => s.isDirectory(), () => false)
      if (!isDir) return
      try {
        const {serialize} = await import('node:v8')
        await writeAtomic(memoFile, serialize({key, config}))
      } catch {
        // not written (or a value V8 can't serialise): the next run validates again
      }
    },
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}
