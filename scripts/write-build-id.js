// dist/build-id.txt: a SHA-256 of everything the build emitted (and package.json). Caches that depend on sling's
// own code key on it, so a rebuilt sling never trusts what an older one remembered (src/lib/config/memo.ts).
import {createHash} from 'node:crypto'
import {readdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

const ROOT = path.resolve(import.meta.dirname, '..')
const DIST = path.join(ROOT, 'dist')
const OUT = path.join(DIST, 'build-id.txt')
const hash = createHash('sha256').update(readFileSync(path.join(ROOT, 'package.json')))
const files = readdirSync(DIST, {recursive: true, withFileTypes: true})
  .filter((entry) => entry.isFile())
  .map((entry) => path.join(entry.parentPath, entry.name))
  .filter((file) => file !== OUT)
  .sort()
for (const file of files) hash.update(path.relative(DIST, file)).update('\0').update(readFileSync(file)).update('\0')
writeFileSync(OUT, `${hash.digest('hex')}\n`)
