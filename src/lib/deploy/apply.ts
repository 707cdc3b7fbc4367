/**
 * Carries out one function's plan with the smallest set of writes, in an order that keeps the function
 * consistent at every step: configuration, code, tags, concurrency, asynchronous settings; then, only once
 * all of those succeeded, the version and the alias (so an alias never points at a half-deployed function),
 * and provisioned concurrency on the alias. Every change carries the RevisionId of the last read.
 */
import type {LambdaApi} from '../aws/lambda.js'
import type {AliasChange, FunctionInfo, FunctionSettings, NewFunction} from '../aws/types.js'
import type {Output} from '../output.js'
import type {ArtifactStore} from './artifacts.js'
import type {FunctionPlan} from './plan.js'

export interface ApplyDeps {
  readonly lambda: LambdaApi
  readonly artifacts: ArtifactStore
  readonly output: Output
  /** When it aborts, the write in flight finishes and no other starts. */
  readonly signal?: AbortSignal | undefined
  /** The version description: the commit the deploy comes from. */
  readonly describeCommit: () => Promise<string | undefined>
}

export interface ApplyOutcome {
  readonly arn: string | undefined
  readonly codeSha256: string | undefined
  /** The writes made, in order ("configuration", "code", "tags", …). */
  readonly writes: readonly string[]
  readonly version?: string | undefined
  readonly alias?: {readonly name: string; readonly from: string | undefined; readonly to: string} | undefined
  /** Why the function failed (the writes before it stay applied). */
  readonly error?: unknown
  /** The signal aborted before every write was made. */
  readonly interrupted: boolean
}

class Interrupted extends Error {}

/** Applies `plan`; never throws: a failure or an interrupt comes back in the outcome with the writes made before it. */
export async function applyPlan(plan: FunctionPlan, deps: ApplyDeps, options: {readonly newRole?: boolean} = {}): Promise<ApplyOutcome> {
  const writes: string[] = []
  let fn: FunctionInfo | undefined = plan.current
  let version: string | undefined
  let alias: ApplyOutcome['alias']
  const step = async <T>(name: string, message: string, write: () => Promise<T>): Promise<T> => {
    if (deps.signal?.aborted) throw new Interrupted()
    deps.output.info(`${plan.key}: ${message}`)
    const result = await write()
    writes.push(name)
    return result
  }
  try {
    fn = plan.action === 'create' ? await create(plan, step, deps, options.newRole ?? false) : await update(plan, fn as FunctionInfo, step, deps)
    const {desired} = plan
    if (plan.reservedConcurrency) {
      const {to} = plan.reservedConcurrency
      fn = await step('reservedConcurrency', `reserving ${to} concurrent executions`, () => deps.lambda.update(desired.name, {kind: 'reservedConcurrency', count: to}, {settled: fn}))
    }
    const eventInvoke = plan.eventInvokeConfig
    if (eventInvoke) await step('eventInvokeConfig', 'setting asynchronous invocation settings', () => deps.lambda.putEventInvokeConfig(desired.name, eventInvoke.to))
    if (plan.publish) {
      const settled = fn
      const description = await deps.describeCommit()
      // PublishVersion with the CodeSha256 and RevisionId sling just saw: AWS publishes nothing else.
      const published = await step('version', 'publishing a version', () => deps.lambda.publishVersion(desired.name, {codeSha256: settled.codeSha256, revisionId: settled.revisionId, description}, {settled}))
      version = published.version
      const aliasName = plan.publish.alias?.name
      if (aliasName !== undefined) {
        const change: AliasChange = await step('alias', `pointing alias ${aliasName} at version ${published.version}`, async () => (await import('./alias.js')).moveDeployAlias(desired.name, aliasName, published.version, deps)) // loaded with --alias only (it loads zod)
        alias = {name: aliasName, from: change.previous?.version, to: change.alias.version}
      }
    }
    const provisioned = plan.provisionedConcurrency
    if (provisioned) {
      await step('provisionedConcurrency', `provisioning ${provisioned.to} execution environments on ${provisioned.alias} (waits until READY)`, () => deps.lambda.putProvisionedConcurrency(desired.name, provisioned.alias, provisioned.to))
    }
    return {arn: fn.arn, codeSha256: fn.codeSha256, writes, version, alias, interrupted: false}
  } catch (error) {
    // An upload the interrupt aborted counts as interrupted too: nothing was written for it.
    const interrupted = error instanceof Interrupted || (deps.signal?.aborted === true && (error === deps.signal.reason || (error as Error).name === 'AbortError'))
    return {arn: fn?.arn, codeSha256: fn?.codeSha256, writes, version, alias, interrupted, ...(interrupted ? {} : {error})}
  }
}

type Step = <T>(name: string, message: string, write: () => Promise<T>) => Promise<T>

async function create(plan: FunctionPlan, step: Step, deps: ApplyDeps, newRole: boolean): Promise<FunctionInfo> {
  const {desired} = plan
  const code = desired.code.kind === 'image' ? {imageUri: desired.code.imageUri} : await deps.artifacts.codeFor(desired.code, desired.name, {signal: deps.signal})
  const role = desired.settings.role
  if (role === undefined) throw new Error(`no role for ${desired.name}`) // deploy decides the role before creating
  const spec: NewFunction = {...desired.settings, name: desired.name, role, code, architecture: desired.architecture, tags: Object.keys(desired.tags).length > 0 ? desired.tags : undefined}
  return step('create', `creating function ${desired.name} (waits until Active)`, () => deps.lambda.createFunction(spec, {newRole}))
}

async function update(plan: FunctionPlan, current: FunctionInfo, step: Step, deps: ApplyDeps): Promise<FunctionInfo> {
  const {desired} = plan
  let fn = current
  if (plan.configuration.length > 0) {
    const fields = plan.configuration.map((change) => change.field)
    const settings = pickSettings(desired.settings, fields)
    fn = await step('configuration', `updating configuration (${fields.join(', ')})`, () => deps.lambda.update(desired.name, {kind: 'configuration', settings, revisionId: fn.revisionId}, {settled: fn}))
  }
  if (plan.code) {
    const source = desired.code.kind === 'image' ? {imageUri: desired.code.imageUri} : await deps.artifacts.codeFor(desired.code, desired.name, {signal: deps.signal})
    const architecture = desired.managed.has('architecture') ? desired.architecture : undefined
    fn = await step('code', 'updating code', () => deps.lambda.update(desired.name, {kind: 'code', code: source, architecture, revisionId: fn.revisionId}, {settled: fn}))
  }
  const tags = plan.tags
  if (tags) {
    fn = await step('tags', `updating tags (${describeTags(tags)})`, () => deps.lambda.update(desired.name, {kind: 'tags', set: tags.set, remove: tags.remove}, {settled: fn}))
  }
  return fn
}

function pickSettings(settings: FunctionSettings, fields: readonly string[]): FunctionSettings {
  return Object.fromEntries(fields.map((field) => [field, settings[field as keyof FunctionSettings]]))
}

function describeTags(tags: NonNullable<FunctionPlan['tags']>): string {
  return [tags.added.length > 0 && `+${tags.added.join(', +')}`, tags.changed.length > 0 && `~${tags.changed.join(', ~')}`, tags.remove.length > 0 && `-${tags.remove.join(', -')}`].filter(Boolean).join(' ')
}
