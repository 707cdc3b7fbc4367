import type {Output} from '../output.js'
import type {CheckStatus} from './check.js'
import type {DoctorResult} from './doctor.js'

const MARK: Readonly<Record<CheckStatus, string>> = {ok: '✔', warn: '!', fail: '✖', skip: '-'}

/** One line per check (mark, id, what was found), its fix below it; the verdict on stderr. */
export function renderDoctor(result: DoctorResult, output: Output): void {
  const {color} = output
  const paint: Readonly<Record<CheckStatus, (text: string) => string>> = {ok: color.green, warn: color.yellow, fail: color.red, skip: color.dim}
  const width = Math.max(...result.checks.map((c) => c.id.length))
  const lines: string[] = []
  for (const check of result.checks) {
    lines.push(`${paint[check.status](MARK[check.status])} ${check.id.padEnd(width)}  ${check.message}`)
    if (check.fix && check.status !== 'ok') lines.push(`  ${' '.repeat(width)}  ${color.dim('→')} ${check.fix}`)
  }
  output.result(lines.join('\n'))
  const count = (status: CheckStatus): number => result.checks.filter((c) => c.status === status).length
  const failed = count('fail')
  const warned = count('warn')
  if (failed > 0) output.info(color.red(`${failed} check${failed === 1 ? '' : 's'} failed${warned > 0 ? `, ${warned} warning${warned === 1 ? '' : 's'}` : ''}.`))
  else output.success(warned > 0 ? `Ready to deploy, with ${warned} warning${warned === 1 ? '' : 's'}.` : 'Ready to deploy: every check passed.')
}
