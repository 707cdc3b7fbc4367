/**
 * Polls one SQS mapping as Lambda's poller does: receives up to BatchSize messages (waiting up to
 * MaximumBatchingWindowInSeconds to fill the batch), drops what the filters don't match (deleting it, as
 * Lambda does), invokes the function synchronously through the mapping's qualifier, and deletes what the
 * result says succeeded. Failed messages stay in flight and return after their visibility timeout (and reach
 * the dead-letter queue through SQS's redrive). At most ScalingConfig.MaximumConcurrency batches run at once.
 */
import type {EventSourceMappingConfiguration} from '@aws-sdk/client-lambda'

import type {FilterPattern} from '../../lambda/event-filter.js'
import type {AsyncInvocation, LocalContext, QueueMessage} from '../contract.js'
import {passesFilters, reportedFailures, sqsRecord} from './esm-batch.js'
import {filterPatterns} from './esm-sqs.js'
import type {SyncOutcome} from './invoke.js'

/** Lambda starts five concurrent pollers for a queue; MaximumConcurrency caps them. */
const DEFAULT_CONCURRENCY = 5
/** A receive waits at most this long, so a changed or disabled mapping is noticed soon. */
const RECEIVE_WAIT_MS = 1000

export type ProcessingResult = 'OK' | 'PROBLEM: Function call failed'

export interface WorkerDeps {
  readonly context: LocalContext
  readonly region: string
  readonly invoke: (invocation: AsyncInvocation) => Promise<SyncOutcome>
  /** Records the mapping's LastProcessingResult after a batch. */
  readonly report: (uuid: string, result: ProcessingResult) => Promise<void>
}

export class MappingWorker {
  private readonly stopping = new AbortController()
  private readonly running = new Set<Promise<void>>()
  private loop: Promise<void> | undefined

  constructor(
    private config: EventSourceMappingConfiguration & {UUID: string},
    private readonly deps: WorkerDeps,
  ) {}

  /** The mapping as last read (batch size, filters, function may change while it runs). */
  update(config: EventSourceMappingConfiguration & {UUID: string}): void {
    this.config = config
  }

  start(): void {
    this.loop ??= this.run()
  }

  /** Stops receiving and waits for the batches being processed. */
  async stop(): Promise<void> {
    this.stopping.abort()
    await this.loop
    await Promise.allSettled([...this.running])
  }

  private async run(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      if (this.running.size >= (this.config.ScalingConfig?.MaximumConcurrency ?? DEFAULT_CONCURRENCY)) {
        await Promise.race(this.running)
        continue
      }
      let batch: QueueMessage[]
      try {
        batch = await this.collect()
      } catch {
        // The queue is gone or SQS isn't served here: try again later, as Lambda keeps polling.
        await this.pause(1000)
        continue
      }
      if (batch.length === 0) continue
      const work = this.process(this.config, batch).catch(() => undefined)
      this.running.add(work)
      void work.finally(() => this.running.delete(work))
    }
  }

  /** Waits `ms`, or less when the worker stops. */
  private pause(ms: number): Promise<void> {
    const {signal} = this.stopping
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        signal.removeEventListener('abort', done)
        resolve()
      }
      const timer = setTimeout(done, ms)
      signal.addEventListener('abort', done)
    })
  }

  /** One batch: the first messages as soon as any arrive, then more until BatchSize or the batching window ends. */
  private async collect(): Promise<QueueMessage[]> {
    const {sqs} = this.deps.context.hooks
    const arn = this.config.EventSourceArn ?? ''
    const size = this.config.BatchSize ?? 10
    const signal = this.stopping.signal
    const batch = [...(await sqs.receive({arn, maxMessages: Math.min(10, size), waitMs: RECEIVE_WAIT_MS, signal}))]
    const deadline = Date.now() + (this.config.MaximumBatchingWindowInSeconds ?? 0) * 1000
    while (batch.length > 0 && batch.length < size && Date.now() < deadline && !signal.aborted) {
      batch.push(...(await sqs.receive({arn, maxMessages: Math.min(10, size - batch.length), waitMs: deadline - Date.now(), signal})))
    }
    return batch
  }

  private async process(config: EventSourceMappingConfiguration & {UUID: string}, messages: readonly QueueMessage[]): Promise<void> {
    const arn = config.EventSourceArn ?? ''
    const {sqs} = this.deps.context.hooks
    const records = messages.map((message) => sqsRecord(message, arn))
    let patterns: FilterPattern[]
    try {
      patterns = filterPatterns(config)
    } catch {
      patterns = [] // checked when the mapping was created or updated
    }
    const passing = records.filter((record) => passesFilters(patterns, record))
    const dropped = records.filter((record) => !passing.includes(record)).map((record) => record.receiptHandle)
    if (passing.length === 0) {
      await sqs.delete(arn, dropped)
      return
    }
    const outcome = await this.invoke(config, JSON.stringify({Records: passing}))
    const failed = !outcome || outcome.functionError ? 'all' : config.FunctionResponseTypes?.includes('ReportBatchItemFailures') ? reportedFailures(outcome.payload, new Set(passing.map((record) => record.messageId))) : new Set<string>()
    const succeeded = failed === 'all' ? [] : passing.filter((record) => !failed.has(record.messageId)).map((record) => record.receiptHandle)
    await sqs.delete(arn, [...dropped, ...succeeded])
    await this.deps.report(config.UUID, outcome && !outcome.functionError ? 'OK' : 'PROBLEM: Function call failed')
  }

  /** Invokes through the mapping's function ARN (qualified: an alias routes by its weights); undefined when Lambda couldn't run it. */
  private async invoke(config: EventSourceMappingConfiguration, payload: string): Promise<SyncOutcome | undefined> {
    const parts = (config.FunctionArn ?? '').split(':')
    try {
      return await this.deps.invoke({region: this.deps.region, functionName: parts[6] ?? '', ...(parts[7] ? {qualifier: parts[7]} : {}), payload})
    } catch {
      return undefined // throttled, or the function is gone or not active: the messages return to the queue
    }
  }
}
