/**
 * An SQS consumer that reports partial batch failures: only the messages that failed go back to the
 * queue (to be retried, then to its dead-letter queue), not the whole batch. The event source mapping
 * needs FunctionResponseTypes ["ReportBatchItemFailures"] for Lambda to read the answer.
 *
 * @param {import('aws-lambda').SQSEvent} event
 * @returns {Promise<import('aws-lambda').SQSBatchResponse>}
 */
export async function handler(event) {
  /** @type {import('aws-lambda').SQSBatchItemFailure[]} */
  const batchItemFailures = []
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

/**
 * One message: its body is JSON. Throw to have this message (and only it) retried.
 *
 * @param {import('aws-lambda').SQSRecord} record
 */
export async function processMessage(record) {
  const message = JSON.parse(record.body)
  console.log(`Processing message ${record.messageId}`, message)
}
