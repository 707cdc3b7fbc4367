import {Args, Flags} from '@oclif/core'

import {AwsCommand} from '../lib/base-command.js'
import {resolveFunctionArg, withTargetRegion} from '../lib/rollout/function-arg.js'
import {renderRollout} from '../lib/rollout/render.js'
import {rollout} from '../lib/rollout/rollout.js'
import {resolveGates, resolveStrategy} from '../lib/rollout/settings.js'
import type {RolloutResult} from '../lib/rollout/types.js'

const NEW_ONLY = ['resume']

export default class Rollout extends AwsCommand<RolloutResult> {
  static summary = "Shift an alias's traffic to a new version step by step, rolling back when a health gate fails."
  static description =
    'Strategies by CodeDeploy\'s names (Canary10Percent5Minutes, Linear10PercentEvery1Minute, AllAtOnce…), short forms (canary:10%:5m) or custom steps. Before the first shift, during every bake and after the last step it reads the gates: CloudWatch alarms, the new version\'s error rate, smoke invocations. Unhealthy, Ctrl-C or SIGTERM: the alias goes back to the previous version. The progress is recorded with the alias, so --resume continues a killed rollout and "sling rollback" undoes it from any machine.'
  static args = {
    function: Args.string({description: 'Config key, function name or ARN.', required: true}),
    alias: Args.string({description: 'The alias whose traffic moves.', required: true}),
  }
  static examples = [
    '<%= config.bin %> rollout api live --to 8',
    '<%= config.bin %> rollout api live --to 8 --strategy Linear10PercentEvery1Minute --alarm api-errors --max-error-rate 1%',
    '<%= config.bin %> rollout api live --to 8 --steps 10,50,100 --interval 5m --smoke @events/health.json',
    '<%= config.bin %> rollout api live --resume',
  ]
  static flags = {
    to: Flags.string({summary: 'The published version to roll out ("8" or "v8").', env: 'SLING_TO', exclusive: NEW_ONLY}),
    strategy: Flags.string({summary: 'Canary10Percent5Minutes (default), Linear10PercentEvery1Minute, AllAtOnce…, or canary:10%:5m, linear:10%:1m, all-at-once.', env: 'SLING_STRATEGY', exclusive: ['steps', 'resume']}),
    steps: Flags.string({summary: 'Custom steps: the new version\'s share at each, rising ("10,50,100").', env: 'SLING_STEPS', dependsOn: ['interval'], exclusive: NEW_ONLY}),
    interval: Flags.string({summary: 'How long each custom step bakes: 30s, 5m, 1h.', env: 'SLING_INTERVAL', dependsOn: ['steps']}),
    alarm: Flags.string({summary: 'A CloudWatch alarm that rolls back when in ALARM; repeatable (replaces the config\'s alarms).', multiple: true, env: 'SLING_ALARM'}),
    'ignore-alarm-at-start': Flags.string({summary: 'Don\'t stop for this alarm being in ALARM already at the start (until it leaves ALARM); repeatable.', multiple: true, env: 'SLING_IGNORE_ALARM_AT_START'}),
    'max-error-rate': Flags.string({summary: 'Highest error rate of the new version through the alias ("1%").', env: 'SLING_MAX_ERROR_RATE'}),
    'min-invocations': Flags.integer({summary: 'Invocations before the error rate counts (default 10); fewer is "not enough data".', min: 1, env: 'SLING_MIN_INVOCATIONS'}),
    'metric-delay': Flags.string({summary: 'How long after a minute ends its metrics are complete (default 1m).', env: 'SLING_METRIC_DELAY'}),
    smoke: Flags.string({summary: 'Invoke the new version with this event (@file.json or JSON) before traffic and after each step; repeatable.', multiple: true, env: 'SLING_SMOKE'}),
    'smoke-expect': Flags.string({summary: 'JSON (or @file.json) every --smoke response must contain.', env: 'SLING_SMOKE_EXPECT', dependsOn: ['smoke']}),
    resume: Flags.boolean({summary: 'Continue the rollout recorded on the alias (after a crash or kill).', env: 'SLING_RESUME'}),
    'keep-on-interrupt': Flags.boolean({summary: 'On Ctrl-C or SIGTERM leave the alias where it is, to --resume or roll back later.', env: 'SLING_KEEP_ON_INTERRUPT'}),
  }

  protected override readonly interruptMode = 'graceful'

  async run(): Promise<RolloutResult> {
    const {args, flags} = await this.parse(Rollout)
    const resolved = await resolveFunctionArg(args.function, {configFile: flags.config, stage: flags.stage, regionFlag: flags.region})
    const section = resolved.fn && resolved.config ? {rollout: resolved.fn.rollout, dir: resolved.config.dir} : undefined
    const inputs = {
      strategy: flags.strategy, steps: flags.steps, interval: flags.interval, alarms: flags.alarm, ignoreAlarmsAtStart: flags['ignore-alarm-at-start'], maxErrorRate: flags['max-error-rate'],
      minInvocations: flags['min-invocations'], metricDelay: flags['metric-delay'], smoke: flags.smoke, smokeExpect: flags['smoke-expect'],
    }
    const strategy = flags.resume ? undefined : resolveStrategy(inputs, section) // a resumed rollout goes on with its recorded strategy
    const gates = await resolveGates(inputs, section, process.cwd())
    const deps = this.deps(withTargetRegion(flags, resolved.target), resolved.config)
    const options = {target: resolved.target, alias: args.alias, version: flags.to, strategy, gates, resume: flags.resume, keepOnInterrupt: flags['keep-on-interrupt']}
    return rollout(options, deps)
  }

  protected override render(result: RolloutResult): void {
    renderRollout(result, this.output())
  }
}
