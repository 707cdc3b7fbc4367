/**
 * Drift between the config and what is deployed, without packaging: the configuration as deploy would plan it
 * (only what the config sets), and the code against the last build (`sling package`), when there is one.
 */
import path from 'node:path'

import type {FunctionInfo} from '../aws/types.js'
import type {FunctionConfig} from '../config/load.js'
import {desiredFunction} from '../deploy/desired.js'
import {planFunction} from '../deploy/plan.js'
import type {SettingView} from '../deploy/view.js'
import {planView} from '../deploy/view.js'
import {readManifest} from '../package/manifest.js'
import {DEFAULT_OUT_DIR} from '../package/package.js'

export interface Drift {
  /** Settings whose deployed value isn't what the config says (environment values never shown). */
  readonly configuration: readonly SettingView[]
  readonly tags: {readonly added: readonly string[]; readonly removed: readonly string[]; readonly changed: readonly string[]}
  /** `same`/`different` from the last build's CodeSha256; `unknown` without one. */
  readonly code: 'same' | 'different' | 'unknown'
  /** Why the configuration couldn't be compared, when it couldn't. */
  readonly error?: string | undefined
}

export async function driftOf(fn: FunctionConfig, info: FunctionInfo, configDir: string | undefined): Promise<Drift> {
  // Layer keys resolve to ARNs only at deploy: compare layers only when the config names ARNs.
  const layerArns = fn.layers.every((l) => l.startsWith('arn:')) ? fn.layers : info.layers
  const artifact = {file: '', codeSha256: info.codeSha256, size: info.codeSize, handler: info.handler ?? ''}
  let plan
  try {
    plan = planFunction(desiredFunction(fn, {artifact, layerArns, role: info.role}), {current: info})
  } catch (error) {
    // What deploy would refuse (an image function the config makes a zip one…) is its own drift.
    return {configuration: [{field: 'packageType', from: info.packageType, to: fn.image ? 'Image' : 'Zip'}], tags: {added: [], removed: [], changed: []}, code: 'unknown', error: error instanceof Error ? error.message : String(error)}
  }
  const view = planView(plan)
  const built = configDir ? (await readManifest(path.join(configDir, DEFAULT_OUT_DIR)).catch(() => undefined))?.functions[fn.key] : undefined
  const tags = plan.tags ?? {added: [], changed: [], remove: []}
  return {
    configuration: view.configuration,
    // sling's own tags (the event sources' ledger) aren't the config's business.
    tags: {added: [...tags.added], changed: [...tags.changed], removed: tags.remove.filter((k) => !k.startsWith('sling:'))},
    code: built === undefined ? 'unknown' : built.codeSha256 === info.codeSha256 ? 'same' : 'different',
  }
}
