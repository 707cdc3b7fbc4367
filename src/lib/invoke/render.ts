/**
 * How an invocation reads at the terminal. stdout carries only the response: pretty-printed JSON on a
 * terminal, exactly the bytes Lambda returned when piped (so `sling invoke fn | jq` works). Everything
 * else goes to stderr: the log tail, the status line, a function's error with its stack.
 */
import type {Output} from '../output.js'
import type {FunctionErrorInfo, InvokeSummary} from './result.js'

/** The response on stdout: indented on a terminal when it is JSON, as is otherwise. */
export function printPayload(output: Output, text: string): void {
  if (output.stdoutTerminal) {
    try {
      output.result(JSON.stringify(JSON.parse(text), null, 2))
      return
    } catch {
      // not JSON: as is
    }
  }
  output.write(text)
  if (output.stdoutTerminal && !text.endsWith('\n')) output.write('\n')
}

/** The decoded log tail (--log), dimmed, before the status line. */
export function printLog(output: Output, log: string | undefined): void {
  if (log === undefined) return
  for (const line of log.replace(/\n+$/, '').split('\n')) output.info(output.color.dim(line))
}

/** "200 · version 3 · 41 ms · request 8f2c1e9a-…": what came back, on stderr. */
export function printStatus(output: Output, summary: InvokeSummary): void {
  const version = summary.executedVersion ? ` · version ${summary.executedVersion}` : ''
  const request = summary.requestId ? ` · request ${summary.requestId}` : ''
  const line = `${summary.statusCode}${version} · ${formatMs(summary.durationMs)}${request}`
  switch (summary.status) {
    case 'succeeded':
      output.info(output.color.dim(line))
      return
    case 'queued':
      output.success(`Queued for ${summary.functionName} (${line}): it runs asynchronously, and its output goes to its log.`)
      if (summary.requestId) output.info(`  ${output.color.dim('→')} Read it with "sling logs ${summary.functionName} --request-id ${summary.requestId}".`)
      return
    case 'dry-run':
      output.success(`(dry run) Lambda would invoke ${summary.functionName}: permission checked and payload accepted; nothing ran (${line}).`)
      return
    case 'function-error':
    case 'timed-out':
      if (summary.functionError) printFunctionError(output, summary.functionError, summary.timedOutAfterSeconds)
      output.info(output.color.dim(line))
  }
}

/** errorType: errorMessage, then the stack trace indented; a timeout says after how long. */
export function printFunctionError(output: Output, error: FunctionErrorInfo, timedOutAfter?: number): void {
  const {red, dim} = output.color
  if (timedOutAfter !== undefined || error.errorType === 'Sandbox.Timedout') {
    const after = timedOutAfter === undefined ? '' : ` after ${formatSeconds(timedOutAfter)}`
    output.info(`${red('Timed out:')} the function timed out${after} (${error.errorMessage}).`)
    output.info(`  ${dim('→')} Raise its timeout ("timeout" in sling.config.json), or find what it waits for with --log.`)
    return
  }
  output.info(`${red(`Function error (${error.kind}):`)} ${error.errorType}: ${error.errorMessage}`)
  const header = `${error.errorType}: ${error.errorMessage}`
  const stack = error.stackTrace.filter((line, i) => !(i === 0 && line.trim() === header.trim()))
  for (const line of stack) output.info(`    ${dim(line.trim())}`)
}

export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s`
  return ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`
}

function formatSeconds(seconds: number): string {
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(2)} s`
}
