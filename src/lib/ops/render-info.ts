import {describeSourceRow} from '../events/render.js'
import {formatBytes} from '../format.js'
import type {Output} from '../output.js'
import {formatTime, onTerminal, versionLabel} from '../release/render.js'
import {weightBar} from '../release/weights.js'
import type {FunctionDetails} from './info.js'
import {runtimeLabel} from './render-list.js'

/** Sections of "label  value" lines, on stdout: configuration, versions and aliases, event sources, URL, layers, concurrency, metrics, drift. */
export function renderInfo(details: FunctionDetails, output: Output): void {
  const terminal = onTerminal(output)
  const c = details.configuration
  const lines: string[] = []
  const section = (title: string, rows: readonly string[]): void => {
    lines.push('', output.color.bold(title), ...(rows.length > 0 ? rows.map((row) => `  ${row}`) : ['  none']))
  }
  lines.push(`${output.color.bold(c.name)}${details.key ? ` (config key ${details.key})` : ''}`, `  ${c.arn}`)
  section('Configuration', [
    `runtime       ${c.packageType === 'Image' ? `image ${c.imageUri ?? ''}` : `${runtimeLabel(details.runtime, output, terminal)}, handler ${c.handler ?? ''}`}`,
    `memory        ${c.memorySize ?? '?'} MB, timeout ${c.timeout ?? '?'} s, ${c.architecture}, /tmp ${c.ephemeralStorage ?? 512} MB`,
    `code          ${formatBytes(c.codeSize)}, CodeSha256 ${c.codeSha256}`,
    `role          ${c.role}`,
    `state         ${c.state ?? '?'}${c.lastUpdateStatus ? `, last update ${c.lastUpdateStatus}${c.lastUpdateStatusReason ? ` (${c.lastUpdateStatusReason})` : ''}` : ''}; modified ${formatTime(c.lastModified, {terminal})}`,
    ...(c.description ? [`description   ${c.description}`] : []),
    ...(c.tracing === 'Active' ? ['tracing       Active'] : []),
    ...(c.vpcConfig && c.vpcConfig.subnetIds.length > 0 ? [`vpc           subnets ${c.vpcConfig.subnetIds.join(', ')}; security groups ${c.vpcConfig.securityGroupIds.join(', ')}`] : []),
    `logs          ${c.loggingConfig?.logGroup ?? `/aws/lambda/${c.name}`} (${c.loggingConfig?.logFormat ?? 'Text'})`,
    ...Object.entries(c.environment).map(([k, v], i) => `${i === 0 ? 'environment' : '           '}   ${k}=${v}`),
    ...(details.masked.length > 0 ? [`              (${details.masked.length} secret-looking value${details.masked.length === 1 ? '' : 's'} masked; --show-secrets shows them)`] : []),
    ...(Object.keys(c.tags).length > 0 ? [`tags          ${Object.entries(c.tags).map(([k, v]) => `${k}=${v}`).join(', ')}`] : []),
  ])
  section('Versions', details.versions.slice(0, 10).map((v) => `${versionLabel(v.version).padStart(5)}  ${formatTime(v.lastModified, {terminal})}  ${v.description ?? ''}`.trimEnd()).concat(details.versions.length > 10 ? [`… and ${details.versions.length - 10} older`] : []))
  section('Aliases', details.aliases.flatMap((a) => a.weights.map((w, i) => `${(i === 0 ? a.name : '').padEnd(8)} ${versionLabel(w.version).padEnd(5)} ${weightBar(w.percent)} ${`${w.percent}%`.padStart(4)}`)))
  section('Event sources', details.eventSources.filter((r) => r.kind !== 'url').map(describeSourceRow))
  section('Permissions', details.permissions.map((t) => `${t.sid}: ${t.principal} may ${t.action}${t.sourceArn ? ` from ${t.sourceArn}` : ''}${t.sling ? ' [sling]' : ''}`))
  section('Function URL', details.eventSources.filter((r) => r.kind === 'url').map(describeSourceRow))
  section('Layers', details.layers.map((l) => `${l.arn}${l.codeSize === undefined ? '' : ` (${formatBytes(l.codeSize)})`}`))
  section('Concurrency', [
    `reserved      ${details.concurrency.reserved ?? 'none (uses the account\'s unreserved pool)'}`,
    ...details.concurrency.provisioned.map((p) => `provisioned   ${p.requested} on ${p.qualifier} (${p.status})`),
  ])
  const m = details.metrics
  section('Last hour', 'error' in m ? [`metrics unavailable: ${m.error}`] : [`${m.invocations} invocations, ${m.errors} errors, ${m.throttles} throttles${m.p90DurationMs === undefined ? '' : `, p90 duration ${m.p90DurationMs.toFixed(1)} ms`}`])
  if (details.drift) section('Drift (config → deployed)', driftLines(details))
  output.result(lines.join('\n').trimStart())
}

function driftLines(details: FunctionDetails): string[] {
  const drift = details.drift
  if (!drift) return []
  const lines = drift.configuration.map((s) =>
    'added' in s ? `environment: ${[...s.added.map((k) => `+${k}`), ...s.removed.map((k) => `-${k}`), ...s.changed.map((k) => `~${k}`)].join(' ')}` : `${s.field}: deployed ${JSON.stringify(s.from)}, config ${JSON.stringify(s.to)}`,
  )
  const t = drift.tags
  if (t.added.length + t.removed.length + t.changed.length > 0) lines.push(`tags: ${[...t.added.map((k) => `+${k}`), ...t.removed.map((k) => `-${k}`), ...t.changed.map((k) => `~${k}`)].join(' ')}`)
  if (drift.code === 'different') lines.push('code: the deployed code isn\'t the last build (sling package); "sling diff" shows the plan')
  if (lines.length === 0) lines.push(drift.code === 'unknown' ? 'configuration as the config says (code not compared: no build yet; "sling diff" packages and compares)' : 'none: configuration and code as the config and the last build say')
  return lines
}
