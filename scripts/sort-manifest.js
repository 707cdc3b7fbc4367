// oclif writes the manifest's commands in the order the file system lists them, which differs between
// machines; sorting them keeps the committed manifest stable, so CI's freshness check means "stale", not "other disk".
import {readFileSync, writeFileSync} from 'node:fs'

const file = new URL('../oclif.manifest.json', import.meta.url)
const manifest = JSON.parse(readFileSync(file, 'utf8'))
manifest.commands = Object.fromEntries(Object.entries(manifest.commands).sort(([a], [b]) => a.localeCompare(b)))
writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`)
