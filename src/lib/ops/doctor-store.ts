import {mkdir, readdir, readFile, rm, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {tempName} from '../fs.js'
import {findRunningServer} from '../local/connect.js'
import type {Check} from './check.js'

/** At most this many unreadable documents are named. */
const NAMED = 3

/** The local cloud's store: it can be written, every state document parses, and who serves it. */
export async function checkLocalStore(storeDir: string): Promise<Check> {
  try {
    await mkdir(storeDir, {recursive: true})
    const probe = path.join(storeDir, tempName())
    await writeFile(probe, '')
    await rm(probe)
  } catch (error) {
    return {id: 'local-store', status: 'fail', message: `The local cloud's store ${storeDir} can't be written (${(error as NodeJS.ErrnoException).code ?? String(error)}).`, fix: 'Fix its permissions, or point SLING_LOCAL_STORE at another directory.'}
  }
  const broken = await unreadableDocuments(path.join(storeDir, 'state'))
  if (broken.length > 0) {
    const named = broken.slice(0, NAMED).map((file) => path.relative(storeDir, file)).join(', ')
    return {id: 'local-store', status: 'fail', message: `${broken.length} state document${broken.length === 1 ? '' : 's'} in ${storeDir} can't be read as JSON (${named}${broken.length > NAMED ? ', …' : ''}).`, fix: `Delete those files (their resources are lost), or start afresh with an empty store: rm -r ${storeDir}`}
  }
  const server = await findRunningServer(storeDir)
  return {id: 'local-store', status: 'ok', message: `${storeDir} is writable and its state reads; ${server ? `served by sling local serve at ${server.endpoint} (pid ${server.pid})` : 'no sling local serve runs on it (--local starts the cloud in-process)'}.`}
}

async function unreadableDocuments(dir: string): Promise<string[]> {
  let entries
  try {
    entries = await readdir(dir, {withFileTypes: true, recursive: true})
  } catch {
    return [] // no state yet
  }
  const broken: string[] = []
  for (const entry of entries.filter((e) => e.isFile() && e.name.endsWith('.json'))) {
    const file = path.join(entry.parentPath, entry.name)
    try {
      JSON.parse(await readFile(file, 'utf8'))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') broken.push(file) // one deleted meanwhile is fine
    }
  }
  return broken
}
