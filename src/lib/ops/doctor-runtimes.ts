import type {ProjectConfig} from '../config/load.js'
import type {Runtime} from '../lambda/runtimes.js'
import {isRuntime, runtimeLifecycle, runtimeStatus} from '../lambda/runtimes.js'
import type {Check} from './check.js'

/** How long before a deprecation date sling starts to warn. */
const SOON_DAYS = 180

/** Node.js release lines sling runs on and when they reach end of life (nodejs.org's schedule). */
const NODE_END_OF_LIFE: Readonly<Record<number, string>> = {20: '2026-04-30', 22: '2027-04-30', 24: '2028-04-30'}

export function checkNode(version: string, today: string): Check {
  const major = Number(version.split('.')[0])
  if (!(major >= 20)) return {id: 'node', status: 'fail', message: `Node.js ${version}: sling needs 20 or later.`, fix: 'Install Node.js 22 or 24 (https://nodejs.org, or nvm install 24).'}
  const end = NODE_END_OF_LIFE[major]
  if (end && end <= today) return {id: 'node', status: 'warn', message: `Node.js ${version} works, but Node.js ${major} reached end of life on ${end} (no more security fixes).`, fix: 'Move to Node.js 22 or 24.'}
  return {id: 'node', status: 'ok', message: `Node.js ${version}.`}
}

/** Each function's runtime: refused, deprecated, or deprecated soon (AWS's dates, from lambda/runtimes.ts). */
export function checkRuntimes(config: ProjectConfig, today: string): Check {
  const problems: {status: 'warn' | 'fail'; line: string}[] = []
  const used = new Set<string>()
  for (const fn of config.functions) {
    if (fn.image !== undefined || !isRuntime(fn.runtime)) continue
    used.add(fn.runtime)
    const problem = judge(fn.runtime, today)
    if (problem) problems.push({status: problem.status, line: `${fn.key}: ${problem.line}`})
  }
  if (problems.length === 0) return {id: 'runtimes', status: 'ok', message: used.size === 0 ? 'No function names a runtime.' : `${[...used].join(', ')}: supported, none deprecated within ${SOON_DAYS} days.`}
  const status = problems.some((p) => p.status === 'fail') ? 'fail' : 'warn'
  return {id: 'runtimes', status, message: problems.map((p) => p.line).join('; '), fix: 'Set "runtime" to a newer one (nodejs24.x) in sling.config.json, test, and deploy.'}
}

function judge(runtime: Runtime, today: string): {status: 'warn' | 'fail'; line: string} | undefined {
  const life = runtimeLifecycle(runtime)
  switch (runtimeStatus(runtime, today)) {
    case 'blocked':
      return {status: 'fail', line: `${runtime} can't be deployed any more (deprecated ${life.deprecated ?? 'long ago'})`}
    case 'create-blocked':
      return {status: 'fail', line: `${runtime} was deprecated on ${life.deprecated ?? '?'}: Lambda no longer creates functions with it${life.blockUpdate ? `, and stops updating them on ${life.blockUpdate}` : ''}`}
    case 'deprecated':
      return {status: 'warn', line: `${runtime} was deprecated on ${life.deprecated ?? '?'}${life.blockCreate ? `; new functions are refused from ${life.blockCreate}` : ''}`}
    case 'preview':
      return {status: 'warn', line: `${runtime} is in preview`}
    case 'supported':
      return life.deprecated && daysBetween(today, life.deprecated) <= SOON_DAYS ? {status: 'warn', line: `${runtime} is deprecated on ${life.deprecated} (in ${daysBetween(today, life.deprecated)} days)`} : undefined
  }
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000)
}
