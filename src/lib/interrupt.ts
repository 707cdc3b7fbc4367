import {ExitCode} from './errors.js'

/**
 * Ctrl-C and SIGTERM, as a dependency. BaseCommand makes one `InterruptHandler` per command run and
 * listens for the signals; workflows get its `Interrupts` face (the abort signal and cleanup
 * registration), never module state, so a test can interrupt a workflow at any step.
 */
export type Cleanup = () => void | Promise<void>
export type InterruptSignal = 'SIGINT' | 'SIGTERM'

/** What a workflow sees of interrupts. */
export interface Interrupts {
  /** Aborted on the first SIGINT/SIGTERM with an AbortError, so an AWS call or wait stops at once. */
  readonly signal: AbortSignal
  /**
   * Registers `cleanup` to run before sling exits on an interrupt (a temporary file to remove, a
   * half-done step to undo); call the returned function once the work is done.
   */
  readonly onInterrupt: (cleanup: Cleanup) => () => void
  /** 130 after SIGINT, 143 after SIGTERM; undefined until one arrives. A graceful workflow returns it in its result. */
  readonly exitCode: () => ExitCode | undefined
}

/**
 * - `exit`: abort the signal, run the cleanups, exit 130/143. For commands whose partial work is worth
 *   nothing (package: the previous build stays).
 * - `graceful`: abort the signal and let the command finish: it returns its partial result (a rollout
 *   that rolled back, a server that stopped) and that result decides the exit code. Cleanups don't run.
 *
 * In both modes a second signal exits at once.
 */
export type InterruptMode = 'exit' | 'graceful'

/** Where signals come from (process) and how the process ends; tests pass an EventEmitter and a spy. */
export interface SignalSource {
  on(signal: InterruptSignal, listener: () => void): unknown
  off(signal: InterruptSignal, listener: () => void): unknown
}

export interface InterruptOptions {
  readonly mode: InterruptMode
  /** Prints the one-line notice (stderr). */
  readonly report: (message: string) => void
  /** Ends the process: after the cleanups in `exit` mode, at once on a second signal. */
  readonly exit: (code: ExitCode) => void
}

/** The command's side: handles signals, and lets the command wait for the cleanups before it exits. */
export interface InterruptHandler extends Interrupts {
  /** Handles one signal as `mode` says (what a listener on SIGINT/SIGTERM calls). */
  interrupt(signal: InterruptSignal): void
  /** Listens for SIGINT and SIGTERM on `source`; returns the function that stops listening. */
  listen(source: SignalSource): () => void
  /** Resolves once the cleanups an interrupt started have run (at once when there was none). */
  settled(): Promise<void>
}

const EXIT_CODES: Record<InterruptSignal, ExitCode> = {SIGINT: ExitCode.Interrupted, SIGTERM: ExitCode.Terminated}

export function createInterrupts(options: InterruptOptions): InterruptHandler {
  const cleanups = new Set<Cleanup>()
  const controller = new AbortController()
  let received: InterruptSignal | undefined
  let cleaning: Promise<void> = Promise.resolve()

  const runCleanups = async (): Promise<void> => {
    await Promise.all(
      [...cleanups].map(async (cleanup) => {
        try {
          await cleanup()
        } catch {
          // best effort: the other cleanups still run
        }
      }),
    )
  }

  const interrupt = (signal: InterruptSignal): void => {
    const code = EXIT_CODES[signal]
    if (received) return options.exit(code)
    received = signal
    // An AbortError: the AWS core rethrows the reason, and toUserError maps it to "Interrupted".
    controller.abort(new DOMException(`Interrupted by ${signal}`, 'AbortError'))
    if (options.mode === 'graceful') return
    options.report(signal === 'SIGINT' ? 'Interrupted; cleaning up…' : 'Terminated; cleaning up…')
    cleaning = runCleanups()
    void cleaning.then(() => options.exit(code))
  }

  return {
    signal: controller.signal,
    onInterrupt(cleanup) {
      cleanups.add(cleanup)
      return () => void cleanups.delete(cleanup)
    },
    exitCode: () => (received ? EXIT_CODES[received] : undefined),
    interrupt,
    listen(source) {
      const onInt = (): void => interrupt('SIGINT')
      const onTerm = (): void => interrupt('SIGTERM')
      source.on('SIGINT', onInt)
      source.on('SIGTERM', onTerm)
      return () => {
        source.off('SIGINT', onInt)
        source.off('SIGTERM', onTerm)
      }
    },
    settled: () => cleaning,
  }
}
