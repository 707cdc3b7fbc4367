import {Args, Flags} from '@oclif/core'

import {AwsCommand} from '../lib/base-command.js'
import {resolveFunctionArg, withTargetRegion} from '../lib/rollout/function-arg.js'
import {renderShift} from '../lib/rollout/render.js'
import type {ShiftResult} from '../lib/rollout/shift.js'
import {shift} from '../lib/rollout/shift.js'
import {parsePercent} from '../lib/rollout/units.js'

export default class Shift extends AwsCommand<ShiftResult> {
  static summary = "Route part of an alias's traffic to a version, promote it, or take its routing away."
  static description =
    'Sets the alias\'s weighted routing (AdditionalVersionWeights): VERSION gets PERCENT of the traffic and the alias\'s own version the rest. --weight 100 (or --promote) makes VERSION the alias\'s version with no routing; --weight 0 removes its routing. The move is recorded with the alias for "sling rollback".'
  static args = {
    function: Args.string({description: 'Config key, function name or ARN.', required: true}),
    alias: Args.string({description: 'The alias whose traffic moves.', required: true}),
  }
  static examples = [
    '<%= config.bin %> shift api live --to 8 --weight 10',
    '<%= config.bin %> shift api live --to 8 --promote',
    '<%= config.bin %> shift api live --to 8 --weight 0 --json',
  ]
  static flags = {
    to: Flags.string({summary: 'The published version that gets the traffic ("8" or "v8").', required: true, env: 'SLING_TO'}),
    weight: Flags.string({summary: 'Its share of the alias\'s traffic, 0–100 percent ("10", "2.5%"): 100 promotes it, 0 removes its routing.', env: 'SLING_WEIGHT', exactlyOne: ['weight', 'promote']}),
    promote: Flags.boolean({summary: 'Make it the alias\'s version, with no routing left (same as --weight 100).', env: 'SLING_PROMOTE', exactlyOne: ['weight', 'promote']}),
  }

  async run(): Promise<ShiftResult> {
    const {args, flags} = await this.parse(Shift)
    const weight = flags.promote ? 100 : parsePercent(flags.weight ?? '', '--weight')
    const resolved = await resolveFunctionArg(args.function, {configFile: flags.config, stage: flags.stage, regionFlag: flags.region})
    const {lambda} = this.deps(withTargetRegion(flags, resolved.target), resolved.config)
    return shift({target: resolved.target, alias: args.alias, version: flags.to, weight}, {lambda, signal: this.interrupts.signal})
  }

  protected override render(result: ShiftResult): void {
    renderShift(result, this.output())
  }
}
