/**
 * What Lambda checks when a mapping reads an SQS queue: the queue exists (asked through the sqs hook), batch
 * size and batching window fit the queue type, the queue's visibility timeout covers the function's timeout,
 * and the filter patterns are well formed.
 */
import type {EventSourceMappingConfiguration} from '@aws-sdk/client-lambda'

import {FilterPatternError, parseFilterPattern} from '../../lambda/event-filter.js'
import type {FilterPattern} from '../../lambda/event-filter.js'
import type {LocalContext, LocalQueue} from '../contract.js'
import {invalidParameter} from './protocol.js'

export function isSqsSource(arn: string | undefined): boolean {
  return arn?.startsWith('arn:') === true && arn.split(':')[2] === 'sqs'
}

/** The queue, undefined when SQS says it doesn't exist; 'unknown' when no SQS is served here to ask. */
async function queueOf(context: LocalContext, arn: string): Promise<LocalQueue | undefined | 'unknown'> {
  try {
    return await context.hooks.sqs.queue(arn)
  } catch {
    return 'unknown'
  }
}

/** The mapping's filter patterns, parsed; throws Lambda's InvalidParameterValueException for a malformed one. */
export function filterPatterns(config: Pick<EventSourceMappingConfiguration, 'FilterCriteria'>): FilterPattern[] {
  return (config.FilterCriteria?.Filters ?? []).map((filter) => {
    try {
      return parseFilterPattern(filter.Pattern ?? '')
    } catch (error) {
      if (error instanceof FilterPatternError) throw invalidParameter(`Invalid filter pattern definition. (${error.message})`)
      throw error
    }
  })
}

/** Checks an SQS mapping's settings (as created or updated) against its queue and function, as Lambda does. */
export async function checkSqsMapping(context: LocalContext, config: EventSourceMappingConfiguration, functionTimeout: number): Promise<void> {
  const arn = config.EventSourceArn ?? ''
  if (config.StartingPosition !== undefined) throw invalidParameter('StartingPosition is not valid for SQS event sources.')
  filterPatterns(config)
  const queue = await queueOf(context, arn)
  if (queue === undefined) {
    throw invalidParameter('Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist or you do not have access to it.')
  }
  const batchSize = config.BatchSize ?? 10
  const window = config.MaximumBatchingWindowInSeconds ?? 0
  if (queue !== 'unknown' && queue.fifo) {
    if (batchSize > 10) throw invalidParameter(`BatchSize ${batchSize} is not valid for FIFO queues: it must be between 1 and 10.`)
    if (window > 0) throw invalidParameter('Batching window is not supported for FIFO queues.')
  }
  if (batchSize > 10 && window < 1) throw invalidParameter('Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10')
  if (queue !== 'unknown' && queue.visibilityTimeout < functionTimeout) {
    throw invalidParameter(`Queue visibility timeout: ${queue.visibilityTimeout} seconds is less than Function timeout: ${functionTimeout} seconds`)
  }
}
