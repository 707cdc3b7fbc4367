/**
 * A scheduled job (an EventBridge rule or schedule with rate(...) or cron(...)). It works on the time the
 * run was scheduled for (event.time), not the clock: a retried or late run then redoes the same period.
 *
 * @param {import('aws-lambda').ScheduledEvent} event
 * @returns {Promise<{scheduledFor: string, status: 'done'}>}
 */
export async function handler(event) {
  const scheduledFor = event.time
  console.log(`Running the job scheduled for ${scheduledFor} (event ${event.id})`)
  await runJob(new Date(scheduledFor))
  return {scheduledFor, status: 'done'}
}

/**
 * The job itself: make it safe to run twice for the same time (EventBridge delivers at least once).
 *
 * @param {Date} scheduledFor
 */
export async function runJob(scheduledFor) {
  console.log(`Job for ${scheduledFor.toISOString()} done.`)
}
