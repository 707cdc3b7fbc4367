/* eslint-disable @typescript-eslint/require-await -- the fakes answer at once, but keep the async signatures of the interfaces they stand in for */
/**
 * In-memory fakes of the Lambda and S3 calls behind event sources: mappings (settling at once), resource
 * policies, URL configs, tags and bucket notification configurations, each call recorded as "op subject".
 */
import type {LambdaEventOps, MappingInfo, PolicyStatementInfo} from '../../src/lib/aws/lambda-events.js'
import type {EventBridgeApi, SchedulerApi, SnsApi} from '../../src/lib/aws/push-sources.js'
import type {BucketNotifications, S3NotificationOps} from '../../src/lib/aws/s3-notifications.js'
import {UserError} from '../../src/lib/errors.js'

export interface FakeEventState {
  readonly mappings: Map<string, MappingInfo>
  readonly policies: Map<string, PolicyStatementInfo[]>
  readonly urls: Map<string, {AuthType: string; FunctionUrl: string; Cors?: unknown}>
  readonly tags: Map<string, Record<string, string>>
  readonly notifications: Map<string, BucketNotifications>
  readonly calls: string[]
}

export function fakeEventState(): FakeEventState {
  return {mappings: new Map(), policies: new Map(), urls: new Map(), tags: new Map(), notifications: new Map(), calls: []}
}

const bare = (fn: string): string => fn.split(':function:').at(-1)?.split(':')[0] ?? fn

export function fakeEventOps(state: FakeEventState = fakeEventState(), account = '123456789012', region = 'eu-west-1'): LambdaEventOps {
  let next = 0
  const arn = (fn: string): string => (fn.startsWith('arn:') ? fn : `arn:aws:lambda:${region}:${account}:function:${fn}`)
  return {
    async listMappings({functionName: fn, eventSourceArn}) {
      state.calls.push(`listMappings ${fn ?? eventSourceArn ?? ''}`)
      return [...state.mappings.values()].filter((m) => (!fn || bare(m.FunctionArn ?? '') === bare(fn)) && (!eventSourceArn || m.EventSourceArn === eventSourceArn))
    },
    async getMapping(uuid) {
      state.calls.push(`getMapping ${uuid}`)
      return state.mappings.get(uuid)
    },
    async createMapping(fn, source, settings) {
      state.calls.push(`createMapping ${fn} ${source}`)
      const uuid = `00000000-0000-0000-0000-${String(++next).padStart(12, '0')}`
      const {Enabled, ...rest} = settings
      const mapping: MappingInfo = {...rest, UUID: uuid, FunctionArn: arn(fn), EventSourceArn: source, State: Enabled === false ? 'Disabled' : 'Enabled', LastProcessingResult: 'No records processed'}
      state.mappings.set(uuid, mapping)
      return mapping
    },
    async updateMapping(uuid, update) {
      state.calls.push(`updateMapping ${uuid}`)
      const current = state.mappings.get(uuid)
      if (!current) throw new UserError('MappingNotFound', `no mapping ${uuid}`)
      const {Enabled, FunctionName, ...rest} = update
      const mapping: MappingInfo = {...current, ...rest, ...(FunctionName ? {FunctionArn: arn(FunctionName)} : {}), State: Enabled === undefined ? current.State : Enabled ? 'Enabled' : 'Disabled'}
      state.mappings.set(uuid, mapping)
      return mapping
    },
    async deleteMapping(uuid) {
      state.calls.push(`deleteMapping ${uuid}`)
      return state.mappings.delete(uuid) ? 'deleted' : 'absent'
    },
    async waitForMapping(uuid) {
      return state.mappings.get(uuid)
    },
    async getPolicy(fn, {qualifier} = {}) {
      state.calls.push(`getPolicy ${fn}`)
      return state.policies.get(`${bare(fn)}:${qualifier ?? ''}`) ?? []
    },
    async addPermission(fn, sid, input) {
      state.calls.push(`addPermission ${fn} ${sid}`)
      const key = `${bare(fn)}:${input.Qualifier ?? ''}`
      const statements = state.policies.get(key) ?? []
      if (statements.some((s) => s.Sid === sid)) return 'exists'
      state.policies.set(key, [...statements, {Sid: sid, Effect: 'Allow', Principal: {Service: input.Principal}, Action: input.Action}])
      return 'added'
    },
    async removePermission(fn, sid, {qualifier} = {}) {
      state.calls.push(`removePermission ${fn} ${sid}`)
      const key = `${bare(fn)}:${qualifier ?? ''}`
      const statements = state.policies.get(key) ?? []
      state.policies.set(key, statements.filter((s) => s.Sid !== sid))
      return statements.some((s) => s.Sid === sid) ? 'removed' : 'absent'
    },
    async getUrlConfig(fn, {qualifier} = {}) {
      state.calls.push(`getUrlConfig ${fn}`)
      return state.urls.get(`${bare(fn)}:${qualifier ?? ''}`) as never
    },
    async putUrlConfig(fn, input, {qualifier} = {}) {
      state.calls.push(`putUrlConfig ${fn} ${input.authType}`)
      const key = `${bare(fn)}:${qualifier ?? ''}`
      const created = !state.urls.has(key)
      const config = {AuthType: input.authType, FunctionUrl: `https://${bare(fn)}.lambda-url.${region}.on.aws/`, Cors: input.cors}
      state.urls.set(key, config)
      return {...config, created} as never
    },
    async deleteUrlConfig(fn, {qualifier} = {}) {
      state.calls.push(`deleteUrlConfig ${fn}`)
      return state.urls.delete(`${bare(fn)}:${qualifier ?? ''}`) ? 'deleted' : 'absent'
    },
    async listTags(fnArn) {
      return {...state.tags.get(bare(fnArn))}
    },
    async tagResource(fnArn, tags) {
      state.calls.push(`tagResource ${bare(fnArn)} ${Object.keys(tags).join(',')}`)
      state.tags.set(bare(fnArn), {...state.tags.get(bare(fnArn)), ...tags})
    },
    async untagResource(fnArn, keys) {
      state.calls.push(`untagResource ${bare(fnArn)} ${keys.join(',')}`)
      const tags = {...state.tags.get(bare(fnArn))}
      for (const key of keys) delete tags[key]
      state.tags.set(bare(fnArn), tags)
    },
  }
}

export function fakeNotificationOps(state: FakeEventState = fakeEventState()): S3NotificationOps {
  return {
    async getBucketNotifications(bucket) {
      state.calls.push(`getBucketNotifications ${bucket}`)
      const found = state.notifications.get(bucket)
      if (!found) throw new UserError('BucketNotFound', `The S3 bucket "${bucket}" doesn't exist.`)
      return structuredClone(found)
    },
    async putBucketNotifications(bucket, configuration) {
      state.calls.push(`putBucketNotifications ${bucket}`)
      state.notifications.set(bucket, structuredClone(configuration))
    },
  }
}

/**
 * EventBridge with buses (a rule is found only on the bus it was put on, as in AWS), plus Scheduler and SNS that
 * refuse every call: `rules` maps `<bus>/<name>` to the rule's settings and target ids.
 */
export function fakeBuses() {
  const rules = new Map<string, {scheduleExpression?: string | undefined; eventPattern?: string | undefined; targets: string[]}>()
  const key = (name: string, bus: string | undefined): string => `${bus ?? 'default'}/${name}`
  const eventBridge: EventBridgeApi = {
    async putRule(rule) {
      rules.set(key(rule.name, rule.eventBusName), {scheduleExpression: rule.scheduleExpression, eventPattern: rule.eventPattern, targets: []})
      return `arn:aws:events:eu-west-1:123456789012:rule/${rule.eventBusName ? `${rule.eventBusName}/` : ''}${rule.name}`
    },
    async putTarget(name, target, {eventBusName} = {}) {
      const rule = rules.get(key(name, eventBusName))
      if (!rule) throw new UserError('ResourceNotFoundException', `Rule ${name} does not exist on EventBus ${eventBusName ?? 'default'}.`)
      rule.targets.push(target.id)
    },
    async describeRule(name, {eventBusName} = {}) {
      const rule = rules.get(key(name, eventBusName))
      return rule && {scheduleExpression: rule.scheduleExpression, eventPattern: rule.eventPattern}
    },
    async deleteRule(name, _target, {eventBusName} = {}) {
      return rules.delete(key(name, eventBusName)) ? 'deleted' : 'absent'
    },
  }
  const refuse = (): Promise<never> => Promise.reject(new Error('not used'))
  const scheduler: SchedulerApi = {createSchedule: refuse, deleteSchedule: refuse}
  const sns: SnsApi = {subscribe: refuse, unsubscribe: refuse}
  return {rules, eventBridge, scheduler, sns}
}
