import type {ScheduledEvent} from 'aws-lambda'

export interface JobResult {
  /** The time the run was scheduled for, which names the period it covers. */
  readonly scheduledFor: string
  readonly status: 'done'
}

/**
 * A scheduled job (an EventBridge rule or schedule with rate(...) or cron(...)). It works on the time the
 * run was scheduled for (event.time), not the clock: a retried or late run then redoes the same period.
 */
export async function handler(event: ScheduledEvent): Promise<JobResult> {
  const scheduledFor = event.time
  console.log(`Running the job scheduled for ${scheduledFor} (event ${event.id})`)
  await runJob(new Date(scheduledFor))
  return {scheduledFor, status: 'done'}
}

/** The job itself: make it safe to run twice for the same time (EventBridge delivers at least once). */
export async function runJob(scheduledFor: Date): Promise<void> {
  console.log(`Job for ${scheduledFor.toISOString()} done.`)
}
