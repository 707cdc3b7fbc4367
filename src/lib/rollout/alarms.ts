/**
 * The alarm gate: the named CloudWatch alarms, metric or composite. ALARM is unhealthy; OK and
 * INSUFFICIENT_DATA are not (an alarm with no data yet has seen nothing wrong). An alarm already in ALARM
 * when the rollout starts stops it before any traffic moves, unless it is named to be ignored at start: the
 * fix for a broken version has to be able to go out while the alarm about it still fires. Such an alarm
 * counts again as soon as it leaves ALARM (or re-enters it).
 */
import type {CloudWatchApi} from '../aws/cloudwatch.js'
import type {AlarmInfo} from '../aws/types.js'
import {ExitCode, UserError} from '../errors.js'
import type {AlarmReading} from './types.js'

export interface AlarmWatch {
  readonly names: readonly string[]
  /** Reads every alarm. The first read checks that they exist (an unknown name is an error, before anything moves). */
  read(options: {readonly signal?: AbortSignal | undefined}): Promise<AlarmReading[]>
}

type AlarmDeps = {readonly cloudwatch: Pick<CloudWatchApi, 'describeAlarms'>}

/** Watches `names`; `ignoreAtStart` must be among them. */
export function watchAlarms(names: readonly string[], ignoreAtStart: readonly string[], {cloudwatch}: AlarmDeps): AlarmWatch {
  const unknown = ignoreAtStart.filter((name) => !names.includes(name))
  if (unknown.length > 0) {
    throw new UserError('InvalidAlarm', `--ignore-alarm-at-start names ${list(unknown)}, which ${unknown.length > 1 ? "aren't" : "isn't"} among the rollout's alarms (${names.length > 0 ? list(names) : 'none'}).`, {
      exitCode: ExitCode.Usage,
      hints: ['Name the alarm with --alarm (or in the config\'s rollout.alarms) too.'],
    })
  }
  /** The ignored alarms still in the ALARM state they were in at the first read, with when they entered it. */
  const stillIgnored = new Map<string, number | undefined>()
  let first = true
  return {
    names,
    async read({signal}) {
      if (names.length === 0) return []
      const found = new Map((await cloudwatch.describeAlarms({names}, {signal})).map((alarm) => [alarm.name, alarm]))
      if (first) {
        const missing = names.filter((name) => !found.has(name))
        if (missing.length > 0) throw alarmsNotFound(missing)
        for (const name of ignoreAtStart) if (found.get(name)?.state === 'ALARM') stillIgnored.set(name, found.get(name)?.stateUpdatedAt?.getTime())
        first = false
      }
      return names.map((name) => reading(name, found.get(name), stillIgnored))
    },
  }
}

function reading(name: string, alarm: AlarmInfo | undefined, stillIgnored: Map<string, number | undefined>): AlarmReading {
  if (!alarm) return {gate: 'alarm', name, state: 'MISSING', healthy: false, reason: 'The alarm no longer exists.'}
  const since = alarm.stateUpdatedAt?.getTime()
  if (stillIgnored.has(name) && (alarm.state !== 'ALARM' || since !== stillIgnored.get(name))) stillIgnored.delete(name) // it left ALARM: it counts from now on
  const ignored = stillIgnored.has(name)
  return {gate: 'alarm', name, state: alarm.state, healthy: alarm.state !== 'ALARM' || ignored, ...(ignored ? {ignored} : {}), reason: alarm.stateReason}
}

function alarmsNotFound(missing: readonly string[]): UserError {
  return new UserError('AlarmNotFound', `CloudWatch has no alarm named ${list(missing)} (in this region).`, {
    hints: ['Check the names with "aws cloudwatch describe-alarms --query \'MetricAlarms[].AlarmName\'", and --region.'],
  })
}

function list(names: readonly string[]): string {
  return names.map((name) => `"${name}"`).join(', ')
}
