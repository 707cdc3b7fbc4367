import type {SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord} from 'aws-lambda'

/**
 * An SQS consumer that reports partial batch failures: only the messages that failed go back to the
 * queue (to be retried, then to its dead-letter queue), not the whole batch. The event source mapping
 * needs FunctionResponseTypes ["ReportBatchItemFailures"] for Lambda to read the answer.
 */
export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchItemFailure[] = []
  for (const record of event.Records) {
    try {
      await processMessage(record)
    } catch (error) {
      console.error(`Message ${record.messageId} failed; it returns to the queue.`, error)
      batchItemFailures.push({itemIdentifier: record.messageId})
    }
  }
  return {batchItemFailures}
}

/** One message: its body is JSON. Throw to have this message (and only it) retried. */
export async function processMessage(record: SQSRecord): Promise<void> {
  const message = JSON.parse(record.body) as unknown
  console.log(`Processing message ${record.messageId}`, message)
}
