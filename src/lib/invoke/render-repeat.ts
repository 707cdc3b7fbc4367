/** The summary of `sling invoke --repeat`, on stdout: bars on a terminal, plain lines when piped. */
import type {Output} from '../output.js'
import {formatMs} from './render.js'
import type {RepeatSummary} from './repeat.js'

const BAR = 20

export function renderRepeat(output: Output, summary: RepeatSummary): void {
  // Colour only where the summary lands on a terminal: stdout may be piped while stderr isn't.
  const same = (text: string): string => text
  const {bold, dim, green, red, yellow} = output.stdoutTerminal ? output.color : {bold: same, dim: same, green: same, red: same, yellow: same}
  const name = summary.qualifier ? `${summary.functionName}:${summary.qualifier}` : summary.functionName
  const lines: string[] = []
  const of = summary.invocations === summary.requested ? `${summary.invocations}` : `${summary.invocations} of ${summary.requested}`
  lines.push(bold(`${of} invocations of ${name}, ${summary.concurrency} at a time, in ${formatMs(summary.elapsedMs)}${summary.status === 'interrupted' ? ' (interrupted)' : ''}`))
  const row = (label: string, count: number, paint: (text: string) => string): string => `  ${label.padEnd(16)}${paint(String(count).padStart(6))}`
  lines.push(row('succeeded', summary.succeeded, green))
  lines.push(row('function errors', summary.functionErrors, summary.functionErrors > 0 ? red : (t) => t))
  lines.push(row('throttled', summary.throttled, summary.throttled > 0 ? yellow : (t) => t))
  if (summary.failed > 0) lines.push(`${row('failed', summary.failed, red)}  ${dim(Object.entries(summary.failures).map(([code, n]) => `${code} ×${n}`).join(', '))}`)
  if (summary.retried > 0) lines.push(`  ${'retried'.padEnd(16)}${String(summary.retried).padStart(6)}  ${dim('(went through after the SDK retried throttling or a 5xx)')}`)
  const l = summary.latencyMs
  if (l) lines.push(`  latency         p50 ${formatMs(l.p50)} · p90 ${formatMs(l.p90)} · p99 ${formatMs(l.p99)}  ${dim(`(min ${formatMs(l.min)}, max ${formatMs(l.max)}, mean ${formatMs(l.mean)})`)}`)
  if (summary.versions.length > 0) {
    lines.push('  executed version')
    const width = Math.max(...summary.versions.map((v) => label(v.version).length))
    for (const v of summary.versions) {
      const filled = Math.round((v.percent / 100) * BAR)
      const bar = output.stdoutTerminal ? `${'█'.repeat(filled)}${dim('░'.repeat(BAR - filled))}  ` : ''
      lines.push(`    ${label(v.version).padStart(width)}  ${bar}${`${v.percent}%`.padStart(6)}  ${dim(`(${v.count})`)}`)
    }
  }
  output.result(lines.join('\n'))
}

function label(version: string): string {
  return /^\d+$/.test(version) ? `v${version}` : version
}

const PROGRESS_WIDTH = 24

/** The --repeat status line on a terminal: "Invoking api ████████░░░░ 37/100 (2 not ok)". */
export function progressLine(output: Output, label: string, done: number, total: number, notOk: number): string {
  const filled = total > 0 ? Math.round((Math.min(done, total) / total) * PROGRESS_WIDTH) : PROGRESS_WIDTH
  const bar = `${output.color.cyan('█'.repeat(filled))}${output.color.dim('░'.repeat(PROGRESS_WIDTH - filled))}`
  return `${label} ${bar} ${done}/${total}${notOk > 0 ? ` (${notOk} not ok)` : ''}`
}
