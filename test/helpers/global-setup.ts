import {execFileSync} from 'node:child_process'
import {existsSync, readdirSync, statSync} from 'node:fs'
import path from 'node:path'

const ROOT = path.resolve(import.meta.dirname, '../..')

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, {withFileTypes: true})) {
    const full = path.join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs)
  }
  return newest
}

/** End-to-end tests run the built CLI, as a user would: build it once if the sources are newer. */
export default function setup(): void {
  const manifest = path.join(ROOT, 'oclif.manifest.json')
  const built = path.join(ROOT, 'dist', 'commands')
  const stale = !existsSync(built) || !existsSync(manifest) || newestMtime(path.join(ROOT, 'src')) > Math.min(newestMtime(built), statSync(manifest).mtimeMs)
  if (!stale) return
  execFileSync('npm', ['run', 'build', '--silent'], {cwd: ROOT, stdio: 'inherit'})
}
