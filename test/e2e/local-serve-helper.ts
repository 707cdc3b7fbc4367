import {spawn} from 'node:child_process'
import type {ChildProcessWithoutNullStreams} from 'node:child_process'

import {BIN} from '../helpers/cli.js'

export interface Served {
  readonly child: ChildProcessWithoutNullStreams
  readonly info: {endpoint: string; store: string; pid: number; region: string; env: Record<string, string>}
  stderr(): string
  readonly exited: Promise<{code: number | null; signal: NodeJS.Signals | null}>
}

/**
 * Starts `sling local serve --json` (the built CLI) and resolves once it printed where it listens.
 * Registers a cleanup in `cleanups` that kills it if a test left it running.
 */
export function serve(args: readonly string[], cleanups: (() => Promise<void>)[], env: Record<string, string> = {}): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'local', 'serve', '--json', ...args], {
    env: {PATH: process.env.PATH, HOME: process.env.HOME, CI: 'true', NO_COLOR: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env},
  })
  let stdout = ''
  let stderr = ''
  const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((resolve) => child.on('exit', (code, signal) => resolve({code, signal})))
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  return new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
      try {
        resolve({child, info: JSON.parse(stdout) as Served['info'], stderr: () => stderr, exited})
      } catch {
        // not the whole document yet
      }
    })
    void exited.then(({code}) => reject(new Error(`sling local serve exited (${code}) before listening:\n${stderr}`)))
  })
}
