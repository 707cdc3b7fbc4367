/**
 * Ctrl-C handling. Work that leaves something behind (a temporary artifact, a half-written file)
 * registers a cleanup; on SIGINT/SIGTERM sling aborts the shared signal, runs every cleanup, and
 * exits 130 (SIGINT) or 143 (SIGTERM). A second Ctrl-C exits at once.
 */
type Cleanup = () => void | Promise<void>

const cleanups = new Set<Cleanup>()
const controller = new AbortController()
let installed = false

/** Aborted when the user interrupts sling; pass it to long-running work. */
export const interruptSignal: AbortSignal = controller.signal

/** Registers `cleanup` to run on interrupt; call the returned function once the work is done. */
export function onInterrupt(cleanup: Cleanup): () => void {
  cleanups.add(cleanup)
  return () => cleanups.delete(cleanup)
}

/** Installs the signal handlers (once per process). `report` prints the one-line notice. */
export function installInterruptHandlers(report: (message: string) => void, exit: (code: number) => void): void {
  if (installed) return
  installed = true
  let interrupted = false
  const handle = (signal: NodeJS.Signals): void => {
    const code = signal === 'SIGINT' ? 130 : 143
    if (interrupted) return exit(code)
    interrupted = true
    report(signal === 'SIGINT' ? 'Interrupted; cleaning up…' : 'Terminated; cleaning up…')
    controller.abort(new Error(`Interrupted by ${signal}`))
    const pending = [...cleanups].map(async (cleanup) => {
      try {
        await cleanup()
      } catch {
        // best effort: the other cleanups still run
      }
    })
    void Promise.all(pending).then(() => exit(code))
  }
  process.on('SIGINT', handle)
  process.on('SIGTERM', handle)
}
