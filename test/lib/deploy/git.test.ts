import {execFileSync} from 'node:child_process'
import {writeFile} from 'node:fs/promises'
import path from 'node:path'

import {expect, test} from 'vitest'

import {describeCommit} from '../../../src/lib/deploy/git.js'
import {tempDir} from '../../helpers/cli.js'

const git = (dir: string, ...args: string[]): string => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], {cwd: dir, encoding: 'utf8'}).trim()

test('a version description names the short commit, with -dirty when tracked files changed (the build itself is untracked)', async () => {
  const {dir, cleanup} = await tempDir('sling-git-')
  try {
    git(dir, 'init', '-q')
    expect(await describeCommit(dir)).toBeUndefined() // a repository with no commit yet
    await writeFile(path.join(dir, 'a.txt'), 'one')
    git(dir, 'add', 'a.txt')
    git(dir, 'commit', '-q', '-m', 'one')
    const sha = git(dir, 'rev-parse', '--short', 'HEAD')
    expect(await describeCommit(dir)).toBe(sha)
    await writeFile(path.join(dir, 'untracked.zip'), 'build output')
    expect(await describeCommit(dir)).toBe(sha)
    await writeFile(path.join(dir, 'a.txt'), 'two')
    expect(await describeCommit(dir)).toBe(`${sha}-dirty`)
  } finally {
    await cleanup()
  }
})

test('outside a git repository there is no commit, and no error', async () => {
  const {dir, cleanup} = await tempDir('sling-nogit-')
  try {
    expect(await describeCommit(path.join(dir, 'missing-dir'))).toBeUndefined()
    // GIT_CEILING_DIRECTORIES keeps git from finding a repository above the temp dir.
    process.env.GIT_CEILING_DIRECTORIES = path.dirname(dir)
    expect(await describeCommit(dir)).toBeUndefined()
  } finally {
    delete process.env.GIT_CEILING_DIRECTORIES
    await cleanup()
  }
})
