import type {Stats} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {describe, expect, test} from 'vitest'

import {codeCacheDir, trusted} from '../../src/lib/code-cache.js'

describe('codeCacheDir', () => {
  test('is under $XDG_CACHE_HOME when it is an absolute path, else ~/.cache', () => {
    expect(codeCacheDir({XDG_CACHE_HOME: '/var/cache/me'}, 'linux')).toBe(path.join('/var/cache/me', 'sling', 'code-cache'))
    expect(codeCacheDir({XDG_CACHE_HOME: 'relative/dir'}, 'linux')).toBe(path.join(os.homedir(), '.cache', 'sling', 'code-cache'))
    expect(codeCacheDir({}, 'darwin')).toBe(path.join(os.homedir(), '.cache', 'sling', 'code-cache'))
  })

  test('is under %LOCALAPPDATA% on Windows', () => {
    expect(codeCacheDir({LOCALAPPDATA: 'C:\\Users\\me\\AppData\\Local'}, 'win32')).toBe(path.join('C:\\Users\\me\\AppData\\Local', 'sling', 'code-cache'))
  })

  test.each(['false', '0', 'no', 'off', 'FALSE'])('SLING_CODE_CACHE=%s turns it off', (value) => {
    expect(codeCacheDir({SLING_CODE_CACHE: value}, 'linux')).toBeUndefined()
  })
})

describe('trusted', () => {
  const stats = (kind: 'directory' | 'file' | 'link', uid: number, mode: number): Stats =>
    ({uid, mode, isDirectory: () => kind === 'directory', isFile: () => kind === 'file'}) as Stats

  test('takes the user\'s own directories and files that no one else can write to', () => {
    expect(trusted(stats('directory', 501, 0o40700), 'directory', 501)).toBe(true)
    expect(trusted(stats('directory', 501, 0o40755), 'directory', 501)).toBe(true)
    expect(trusted(stats('file', 501, 0o100600), 'file', 501)).toBe(true)
  })

  test('refuses another user\'s, a group- or world-writable one, a link, or the wrong kind', () => {
    expect(trusted(stats('directory', 502, 0o40700), 'directory', 501)).toBe(false)
    expect(trusted(stats('directory', 501, 0o40777), 'directory', 501)).toBe(false)
    expect(trusted(stats('directory', 501, 0o40770), 'directory', 501)).toBe(false)
    expect(trusted(stats('file', 501, 0o100602), 'file', 501)).toBe(false)
    expect(trusted(stats('link', 501, 0o120777), 'file', 501)).toBe(false)
    expect(trusted(stats('file', 501, 0o100600), 'directory', 501)).toBe(false)
  })

  test('where there are no POSIX owners (Windows), everything under the per-user directory', () => {
    expect(trusted(stats('directory', 0, 0o40777), 'directory', null)).toBe(true)
  })
})
