/**
 * `sling invoke FUNCTION --from-source --watch`: runs the handler, then again each time its source
 * changes, until Ctrl-C (exit 0). An esbuild build context is kept between runs, so a change costs an
 * incremental rebuild, started by fs.watch on the source folders as soon as a file is saved. Each run
 * starts a fresh worker: a Node.js process loads a handler's modules once (as a Lambda execution
 * environment does) and can't swap them for new ones.
 */
import {watch as watchFiles} from 'node:fs'
import type {FSWatcher} from 'node:fs'
import path from 'node:path'

import type {Message} from 'esbuild'

import type {PreparedCode} from '../local/runtime/code.js'
import {esbuildOptions, formatMessage, loadEsbuild} from '../package/bundle.js'
import type {SourceRunDeps, SourceRunOptions} from './from-source.js'
import {checkRunnable, runSource} from './from-source.js'
import type {InvokeSummary} from './result.js'
import {bundleOptions, copyIncluded, makeSourceDirs, prepareLayers, prepareSourceCode} from './source-code.js'

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
  let stop: (() => Promise<void>) | undefined
  try {
    // Inside the try: a start that fails (a layer directory gone, an include that can't be copied) still removes dirs.
    stop = await startWatching(options, dirs, (code, buildMs) => schedule(code, buildMs), (message) => output.warn(message))
    await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), {once: true})))
    await queue
  } finally {
    await stop?.()
    await dirs.remove()
  }
  return {status: 'stopped', functionName: options.fn.name, runs, ...(last ? {last} : {})}
}

type OnBuilt = (code: PreparedCode, buildMs: number) => void

/** Watches the function's source: the bundle's own files (rebuilt incrementally on a save), or the directory for bundle: false. */
async function startWatching(options: SourceRunOptions, dirs: Awaited<ReturnType<typeof makeSourceDirs>>, onBuilt: OnBuilt, warn: (message: string) => void): Promise<() => Promise<void>> {
  const {config, fn} = options
  if (!fn.bundle) {
    const code = await prepareSourceCode(config, fn, dirs, warn)
    onBuilt(code, 0)
    return watchDirectory(fn.source, () => onBuilt(code, 0))
  }
  // Layers once; the bundle on every change.
  await prepareLayers(config, fn, dirs.optDir, warn)
  await copyIncluded(config, fn, dirs.taskDir)
  const code: PreparedCode = {taskRoot: dirs.taskDir, optDir: dirs.optDir, dirs: [dirs.taskDir, dirs.optDir]}
  const ctx = await loadEsbuild().context({...esbuildOptions(bundleOptions(config, fn)), outdir: dirs.taskDir, write: true})
  const watched = new Map<string, FSWatcher>()
  const entry = path.resolve(fn.entry as string)
  let inputs = new Set<string>([entry])
  let building: Promise<void> | undefined
  let again = false
  const build = async (): Promise<void> => {
    const started = performance.now()
    try {
      const result = await ctx.rebuild()
      inputs = new Set([entry, ...Object.keys(result.metafile.inputs).map((input) => path.resolve(config.dir, input))])
      onBuilt(code, performance.now() - started)
    } catch (error) {
      const errors = (error as {errors?: Message[]}).errors ?? []
      warn(`esbuild couldn't bundle ${fn.key}; fix it and save again:\n${errors.slice(0, 5).map(formatMessage).join('\n') || String(error)}`)
    }
    watchInputs(inputs, watched, changed)
  }
  // An editor's save is often several events (write, rename): they make one build.
  let settle: NodeJS.Timeout | undefined
  const changed = (file: string): void => {
    if (!inputs.has(file)) return
    clearTimeout(settle)
    settle = setTimeout(rebuild, 10)
  }
  // One build at a time; saves that arrive during a build fold into one more.
  const rebuild = (): void => {
    if (building) {
      again = true
      return
    }
    building = build().finally(() => {
      building = undefined
      if (again) {
        again = false
        rebuild()
      }
    })
  }
  rebuild()
  return async () => {
    clearTimeout(settle)
    for (const watcher of watched.values()) watcher.close()
    await building
    await ctx.dispose()
  }
}

/**
 * Watches the folders of the bundle's own source files (never node_modules): one fs.watch per folder,
 * which notices a save at once (esbuild's watch mode polls) and costs nothing in a large tree.
 */
function watchInputs(inputs: ReadonlySet<string>, watched: Map<string, FSWatcher>, onChange: (file: string) => void): void {
  const dirs = new Set([...inputs].filter((file) => !file.split(path.sep).includes('node_modules')).map((file) => path.dirname(file)))
  for (const [dir, watcher] of watched) {
    if (dirs.has(dir)) continue
    watcher.close()
    watched.delete(dir)
  }
  for (const dir of dirs) {
    if (watched.has(dir)) continue
    try {
      watched.set(dir, watchFiles(dir, (_event, file) => {
        if (typeof file === 'string') onChange(path.join(dir, file))
      }))
    } catch {
      // a folder that went away: the next build says what is missing
    }
  }
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
