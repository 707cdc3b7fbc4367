import type {TestProject} from 'vitest/node'

import {createAwsClients} from '../../src/lib/aws/clients.js'
import {toUserError} from '../../src/lib/aws/errors.js'
import {createStsApi} from '../../src/lib/aws/sts.js'

/** Whether the real-AWS suite runs, and where. */
export type AwsTarget = {readonly enabled: true; readonly region: string; readonly account: string; readonly arn: string} | {readonly enabled: false; readonly reason: string}

declare module 'vitest' {
  export interface ProvidedContext {
    awsTarget: AwsTarget
  }
}

/** Decides once whether to run, and says so in one line: the suite creates real, billed resources. */
export default async function setup(project: TestProject): Promise<void> {
  const target = await findTarget()
  const line = target.enabled ? `running against account ${target.account} in ${target.region} as ${target.arn}` : `skipped: ${target.reason}`
  process.stdout.write(`\ntest:aws ${line}\n\n`)
  project.provide('awsTarget', target)
}

async function findTarget(): Promise<AwsTarget> {
  if (process.env.SLING_TEST_AWS !== '1') {
    return {enabled: false, reason: 'it creates real AWS resources, so it runs only with SLING_TEST_AWS=1 (SLING_TEST_AWS=1 npm run test:aws).'}
  }
  const clients = await createAwsClients({region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION, profile: process.env.AWS_PROFILE})
  try {
    const region = await clients.region()
    const identity = await createStsApi(await clients.sts(), {region}).getCallerIdentity({signal: AbortSignal.timeout(20_000)})
    return {enabled: true, region, account: identity.account, arn: identity.arn}
  } catch (error) {
    const why = toUserError(error).message
    return {enabled: false, reason: `SLING_TEST_AWS=1 is set, but ${why} Configure credentials and a region (AWS_PROFILE, AWS_REGION) and run again.`}
  } finally {
    await clients.close()
  }
}
