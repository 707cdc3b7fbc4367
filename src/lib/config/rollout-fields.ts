/**
 * A function's `rollout` section: how `sling rollout` shifts its alias and which health gates it watches.
 * Flags win over it (`--strategy`, `--steps`/`--interval`, `--alarm`, `--max-error-rate`, `--min-invocations`,
 * `--smoke`); like every object in the config, a stage's `rollout` replaces the function's whole.
 */
import {z} from 'zod'

import {DURATION_RULE} from './checks.js'
import {refinedBy} from './refine.js'

const DURATION = /^(?:\d+h)?(?:\d+m)?(?:\d+s)?$/
const PERCENT = /^\d{1,3}(?:\.\d{1,2})?%$/
const Duration = refinedBy(z.string().regex(DURATION, DURATION_RULE), 'duration')

/** Any JSON value (one definition in the JSON Schema, shared by "payload" and "expect"). */
const JsonValue = z.json().meta({id: 'JsonValue'})

const SmokeSchema = refinedBy(
  z.strictObject({
    payload: JsonValue.optional().describe('The event to invoke the new version with (any JSON value).'),
    file: z.string().min(1).optional().describe('A JSON file holding the event, relative to the config file (instead of "payload").'),
    expect: JsonValue.optional().describe('What the response must contain: objects match key by key (extra keys allowed), anything else must be equal.'),
  }),
  'smoke',
)

export const RolloutSchema = refinedBy(
  z.strictObject({
    strategy: z.string().min(1).optional()
      .describe('CodeDeploy\'s name (Canary10Percent5Minutes, Linear10PercentEvery1Minute, AllAtOnce…) or a short form (canary:10%:5m, linear:10%:1m, all-at-once). Default: Canary10Percent5Minutes.'),
    steps: z.array(z.union([z.number().gt(0).max(100), z.string().regex(PERCENT)])).min(1).max(100).optional()
      .describe('Custom steps, the new version\'s share of traffic at each (percent, rising); 100 is added when the list doesn\'t end there. Needs "interval"; instead of "strategy".'),
    interval: Duration.optional().describe('How long each custom step bakes (30s, 5m, 1h).'),
    alarms: z.array(z.string().min(1).max(255)).max(100).optional().describe('CloudWatch alarms: any in ALARM rolls the alias back.'),
    maxErrorRate: z.union([z.number().min(0).max(100), z.string().regex(PERCENT)]).optional()
      .describe('Highest error rate of the new version (Errors / Invocations through the alias), in percent: 1 or "1%".'),
    minInvocations: z.number().int().min(1).optional().describe('Invocations of the new version before its error rate counts. Default: 10.'),
    metricDelay: Duration.optional().describe('How long after a minute ends its Lambda metrics are complete in CloudWatch. Default: 1m.'),
    smoke: z.array(SmokeSchema).max(20).optional().describe('Invocations of the new version before any traffic reaches it and after each step.'),
  }),
  // Issues read "expected <message>, found <value>".
  'rollout',
)

export type RolloutConfig = z.infer<typeof RolloutSchema>

/** Spread into the function schema. */
export const RolloutFunctionFields = {
  rollout: RolloutSchema.optional().describe('How "sling rollout" shifts the alias, and the health gates it watches.'),
}
