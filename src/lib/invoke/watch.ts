/**
 * `sling invoke FUNCTION --from-source --watch`: runs the handler, then again each time its source
 * changes, until Ctrl-C (exit 0). esbuild's own watch mode keeps an incremental build context, so a
 * change costs a rebuild of what changed; each run then starts a fresh worker, since a Node.js process
 * loads a handler's modules once (as a Lambda execution environment does) and can't swap them.
 */
import {watch as watchFiles} from 'node:fs'
import type {FSWatcher} from 'node:fs'

import type {BuildResult, Plugin} from 'esbuild'
import {context} from 'esbuild'

import type {PreparedCode} from '../local/runtime/code.js'
import {esbuildOptions, formatMessage} from '../package/bundle.js'
import type {SourceRunDeps, SourceRunOptions} from './from-source.js'
import {checkRunnable, runSource} from './from-source.js'
import type {InvokeSummary} from './result.js'
import {bundleOptions, makeSourceDirs, prepareLayers, prepareSourceCode} from './source-code.js'

/** The `--json` document once watching stops. */
export interface WatchSummary {
  readonly status: 'stopped'
  readonly functionName: string
  readonly runs: number
  /** The last run, when there was one. */
  readonly last?: InvokeSummary | undefined
}

export async function watchFromSource(options: SourceRunOptions, deps: SourceRunDeps & {readonly signal: AbortSignal}): Promise<WatchSummary> {
  checkRunnable(options.fn)
  const {output, signal} = deps
  const dirs = await makeSourceDirs(options.config, options.fn)
  let runs = 0
  let last: InvokeSummary | undefined
  let queue = Promise.resolve()
  let waiting = false
  /** Runs after the current run ends; changes arriving meanwhile fold into one run. */
  const schedule = (code: PreparedCode, buildMs: number): void => {
    if (waiting) return
    waiting = true
    queue = queue.then(async () => {
      waiting = false
      if (signal.aborted) return
      if (runs > 0) output.info(output.color.cyan(`\n↻ Source changed: rebuilt in ${Math.round(buildMs)} ms, running ${options.fn.key} again…`))
      runs++
      try {
        last = await runSource(options, code, deps, buildMs)
      } catch (error) {
        if (!signal.aborted) output.warn(error instanceof Error ? error.message : String(error))
      }
      if (!signal.aborted) output.info(output.color.dim(`Watching for changes (Ctrl-C to stop).`))
    })
  }
  const stop = await startWatching(options, dirs, (code, buildMs) => schedule(code, buildMs), (message) => output.warn(message))
  try {
    await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), {once: true})))
    await queue
  } finally {
    await stop()
    await dirs.remove()
  }
  return {status: 'stopped', functionName: options.fn.name, runs, ...(last ? {last} : {})}
}

type OnBuilt = (code: PreparedCode, buildMs: number) => void

/** Watches the function's source: esbuild's watch mode for a bundle, the directory for bundle: false. */
async function startWatching(options: SourceRunOptions, dirs: Awaited<ReturnType<typeof makeSourceDirs>>, onBuilt: OnBuilt, warn: (message: string) => void): Promise<() => Promise<void>> {
  const {config, fn} = options
  if (!fn.bundle) {
    const code = await prepareSourceCode(config, fn, dirs, warn)
    onBuilt(code, 0)
    return watchDirectory(fn.source, () => onBuilt(code, 0))
  }
  // Layers once; the bundle on every change.
  await prepareLayers(config, fn, dirs.optDir, warn)
  const code: PreparedCode = {taskRoot: dirs.taskDir, optDir: dirs.optDir, dirs: [dirs.taskDir, dirs.optDir]}
  const built: Plugin = {
    name: 'sling-invoke-watch',
    setup(build) {
      let started = performance.now()
      build.onStart(() => {
        started = performance.now()
      })
      build.onEnd((result: BuildResult) => {
        if (result.errors.length > 0) warn(`esbuild couldn't bundle ${fn.key}; fix it and save again:\n${result.errors.slice(0, 5).map(formatMessage).join('\n')}`)
        else onBuilt(code, performance.now() - started)
      })
    },
  }
  const ctx = await context({...esbuildOptions(bundleOptions(config, fn)), outdir: dirs.taskDir, write: true, plugins: [built]})
  await ctx.watch()
  return () => ctx.dispose()
}

/** fs.watch over a directory (recursive), with changes within 50 ms folded into one. */
function watchDirectory(dir: string, onChange: () => void): () => Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const watcher: FSWatcher = watchFiles(dir, {recursive: true}, (_event, file) => {
    if (typeof file === 'string' && /(^|[\\/])(\.sling|\.git|node_modules)([\\/]|$)/.test(file)) return
    clearTimeout(timer)
    timer = setTimeout(onChange, 50)
  })
  return () => {
    clearTimeout(timer)
    watcher.close()
    return Promise.resolve()
  }
}
