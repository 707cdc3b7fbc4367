import {ListEventSourceMappingsCommand, ListProvisionedConcurrencyConfigsCommand} from '@aws-sdk/client-lambda'

import {UserError} from '../errors.js'
import {errorName} from './errors.js'
import type {LambdaCore} from './lambda-core.js'
import type {LambdaApi} from './lambda.js'
import type {EventSourceMappingInfo, ProvisionedConcurrencyConfig} from './types.js'

type MappingOps = Pick<LambdaApi, 'listEventSourceMappings' | 'listProvisionedConcurrency'>

/** What uses a function's versions besides its aliases: event source mappings and provisioned concurrency. */
export function createMappingOps(core: LambdaCore): MappingOps {
  const {client} = core
  return {
    async listProvisionedConcurrency(name, {signal} = {}) {
      const configs: ProvisionedConcurrencyConfig[] = []
      let marker: string | undefined
      do {
        const input = {FunctionName: name, Marker: marker}
        const page = await core.send({functionName: name}, (abortSignal) => client.send(new ListProvisionedConcurrencyConfigsCommand(input), {abortSignal}), {busy: false, signal})
        for (const c of page.ProvisionedConcurrencyConfigs ?? []) {
          configs.push({
            arn: c.FunctionArn ?? '', qualifier: qualifierOf(c.FunctionArn ?? ''),
            requested: c.RequestedProvisionedConcurrentExecutions ?? 0, allocated: c.AllocatedProvisionedConcurrentExecutions ?? 0,
            available: c.AvailableProvisionedConcurrentExecutions ?? 0, status: c.Status ?? 'IN_PROGRESS', statusReason: c.StatusReason,
          })
        }
        marker = page.NextMarker
      } while (marker)
      return configs
    },
    async listEventSourceMappings(functionName, {signal} = {}) {
      const mappings: EventSourceMappingInfo[] = []
      let marker: string | undefined
      try {
        do {
          const input = {FunctionName: functionName, Marker: marker}
          const page = await core.send({functionName}, (abortSignal) => client.send(new ListEventSourceMappingsCommand(input), {abortSignal}), {busy: false, signal})
          for (const m of page.EventSourceMappings ?? []) mappings.push({uuid: m.UUID ?? '', functionArn: m.FunctionArn ?? '', eventSourceArn: m.EventSourceArn, state: m.State})
          marker = page.NextMarker
        } while (marker)
      } catch (error) {
        // Asked about a version deleted meanwhile (or never published): nothing can invoke it.
        if (error instanceof UserError && errorName(error.cause) === 'ResourceNotFoundException') return []
        throw error
      }
      return mappings
    },
  }
}

/**
 * The qualifier of a function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME:QUALIFIER), or "$LATEST"
 * for an unqualified one, which is what an unqualified ARN invokes.
 */
export function qualifierOf(functionArn: string): string {
  return functionArn.split(':')[7] ?? '$LATEST'
}
