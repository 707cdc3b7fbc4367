import {CreateAliasCommand, DeleteAliasCommand, GetAliasCommand, ListAliasesCommand, UpdateAliasCommand} from '@aws-sdk/client-lambda'

import {UserError} from '../errors.js'
import {throwIfAborted} from '../clock.js'
import {errorName} from './errors.js'
import {toAliasInfo} from './lambda-convert.js'
import type {LambdaCore} from './lambda-core.js'
import {concurrentChange, translate} from './lambda-core.js'
import type {LambdaApi} from './lambda.js'
import type {AliasInfo} from './types.js'

type AliasOps = Pick<LambdaApi, 'deleteAlias' | 'getAlias' | 'listAliases' | 'pointAlias'>

export function createAliasOps(core: LambdaCore): AliasOps {
  const {client, context} = core
  const ops: AliasOps = {
    async getAlias(name, alias, {signal} = {}) {
      try {
        return toAliasInfo(await client.send(new GetAliasCommand({FunctionName: name, Name: alias}), {abortSignal: signal}))
      } catch (error) {
        throwIfAborted(signal)
        if (errorName(error) === 'ResourceNotFoundException') return undefined
        throw translate(error, {functionName: name, alias}, context)
      }
    },
    async listAliases(name, {signal} = {}) {
      const aliases: AliasInfo[] = []
      let marker: string | undefined
      do {
        const page = await core.send({functionName: name}, (abortSignal) => client.send(new ListAliasesCommand({FunctionName: name, Marker: marker}), {abortSignal}), {busy: false, signal})
        for (const a of page.Aliases ?? []) aliases.push(toAliasInfo(a))
        marker = page.NextMarker
      } while (marker)
      return aliases
    },
    async pointAlias(name, alias, target, {revisionId, expectAbsent = false, signal} = {}) {
      const subject = {functionName: name, alias}
      const input = {
        FunctionName: name, Name: alias, FunctionVersion: target.version, Description: target.description,
        // An empty map clears any split: the alias then sends all traffic to `version`.
        RoutingConfig: {AdditionalVersionWeights: {...target.routing}},
      }
      let previous = await ops.getAlias(name, alias, {signal})
      // The caller's own earlier read: refuse before sending anything if the alias has moved since.
      if (revisionId !== undefined && previous?.revisionId !== revisionId) throw concurrentChange(subject, context)
      if (expectAbsent && previous) throw concurrentChange(subject, context)
      if (!previous) {
        try {
          return {previous, alias: toAliasInfo(await client.send(new CreateAliasCommand(input), {abortSignal: signal}))}
        } catch (error) {
          throwIfAborted(signal)
          // ResourceConflictException: someone created it in between. Update theirs, with its RevisionId, like any other.
          if (errorName(error) !== 'ResourceConflictException') throw translate(error, subject, context)
          if (expectAbsent) throw concurrentChange(subject, context, error)
        }
        previous = await ops.getAlias(name, alias, {signal})
        if (!previous) throw concurrentChange(subject, context)
      }
      const {revisionId: current} = previous
      const updated = await core.send(subject, (abortSignal) => client.send(new UpdateAliasCommand({...input, RevisionId: current}), {abortSignal}), {busy: true, signal})
      return {previous, alias: toAliasInfo(updated)}
    },
    async deleteAlias(name, alias, {signal} = {}) {
      try {
        await core.send({functionName: name, alias}, (abortSignal) => client.send(new DeleteAliasCommand({FunctionName: name, Name: alias}), {abortSignal}), {busy: true, signal})
        return 'deleted'
      } catch (error) {
        // Deleting is idempotent for sling: gone is what was asked for.
        if (error instanceof UserError && error.code === 'AliasNotFound') return 'absent'
        throw error
      }
    },
  }
  return ops
}
