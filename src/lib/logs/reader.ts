/**
 * `sling logs api --follow | head -5`: once the reader of stdout is gone (a write fails with EPIPE), following
 * stops, as `tail -f` does, and that ending is no error.
 */
export async function untilReaderLeaves(stdout: NodeJS.EventEmitter, signal: AbortSignal, task: (signal: AbortSignal) => Promise<unknown>): Promise<void> {
  const gone = new AbortController()
  const onError = (error: NodeJS.ErrnoException): void => {
    if (error.code === 'EPIPE') gone.abort(new DOMException('stdout was closed', 'AbortError'))
  }
  stdout.on('error', onError)
  try {
    await task(AbortSignal.any([signal, gone.signal]))
  } catch (error) {
    if (!gone.signal.aborted) throw error
  } finally {
    stdout.off('error', onError)
  }
}
