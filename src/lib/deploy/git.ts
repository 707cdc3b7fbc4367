/**
 * Which commit a version comes from, for its description: "<short sha>", with "-dirty" when the working tree
 * has changes. Outside a git repository, or without git, there is no commit to name, and deploy goes on.
 */
import {execFile} from 'node:child_process'
import {promisify} from 'node:util'

const run = promisify(execFile)

/** Runs git in `dir`; resolves with its trimmed stdout, or undefined when git is missing or fails. */
async function git(dir: string, args: readonly string[]): Promise<string | undefined> {
  try {
    const {stdout} = await run('git', [...args], {cwd: dir, timeout: 10_000, windowsHide: true})
    return stdout.trim()
  } catch {
    return undefined // not a repository, no commit yet, or no git: never a reason to fail a deploy
  }
}

/** "<short sha>[-dirty]" of the repository `dir` is in, or undefined. */
export async function describeCommit(dir: string): Promise<string | undefined> {
  const sha = await git(dir, ['rev-parse', '--short', 'HEAD'])
  if (!sha) return undefined
  // Tracked files only, as "git describe --dirty" counts them: the build sling just wrote is untracked.
  const status = await git(dir, ['status', '--porcelain', '--untracked-files=no'])
  return status ? `${sha}-dirty` : sha
}
