/** Where AWS calls go. Built by BaseCommand from flags, the environment and the config. */
export interface AwsSettings {
  readonly region?: string | undefined
  readonly profile?: string | undefined
  /** An AWS-compatible endpoint (also AWS_ENDPOINT_URL). */
  readonly endpointUrl?: string | undefined
  /** Use the embedded local cloud (a running `sling local serve` for the store, or one started in-process). */
  readonly local?: boolean | undefined
  /** The local cloud's store directory. @default SLING_LOCAL_STORE, or ".sling/local" */
  readonly localStore?: string | undefined
  readonly verbose?: boolean | undefined
}

export const DEFAULT_REGION = 'us-east-1'
/** The account id the local cloud answers with, as LocalStack does. */
export const LOCAL_ACCOUNT_ID = '000000000000'
