/**
 * sling's own view of the AWS resources it works with. Workflows and their fakes use these types,
 * never the SDK's, so a test can build one in a line and an SDK upgrade stays inside src/lib/aws.
 */

/** A function (or one published version of it), as GetFunction describes it. */
export interface FunctionInfo {
  readonly name: string
  readonly arn: string
  /** "$LATEST" or a published version number. */
  readonly version: string
  readonly packageType: 'Zip' | 'Image'
  readonly runtime?: string | undefined
  readonly handler?: string | undefined
  readonly role: string
  /** Base64 SHA-256 of the deployment package: equal to sha256(zip) for an unchanged function. */
  readonly codeSha256: string
  readonly codeSize: number
  /** Container image functions only. */
  readonly imageUri?: string | undefined
  readonly memorySize?: number | undefined
  readonly timeout?: number | undefined
  readonly description?: string | undefined
  readonly environment: Readonly<Record<string, string>>
  readonly architecture: 'x86_64' | 'arm64'
  /** Layer version ARNs, in order. */
  readonly layers: readonly string[]
  readonly tags: Readonly<Record<string, string>>
  /** Pending → Active (or Failed); Inactive after weeks unused. */
  readonly state?: string | undefined
  readonly stateReason?: string | undefined
  /** InProgress while an update is applied; no other update is accepted until it settles. */
  readonly lastUpdateStatus?: string | undefined
  readonly lastUpdateStatusReason?: string | undefined
  /** Changes on every update; pass it back to refuse to overwrite someone else's change. */
  readonly revisionId?: string | undefined
  readonly lastModified?: string | undefined
  /** Reserved concurrency (PutFunctionConcurrency); undefined when none is reserved. */
  readonly reservedConcurrency?: number | undefined
  /** Size of /tmp in MB (Lambda reports 512 when it was never set). */
  readonly ephemeralStorage?: number | undefined
  /** X-Ray tracing mode (absent means PassThrough). */
  readonly tracing?: TracingMode | undefined
  readonly deadLetterTargetArn?: string | undefined
  /** Absent, or with empty lists, when the function isn't connected to a VPC. */
  readonly vpcConfig?: VpcSettings | undefined
  readonly loggingConfig?: LoggingSettings | undefined
  /** Container image functions: overrides of the image's CMD, ENTRYPOINT and WORKDIR. */
  readonly imageConfig?: ImageSettings | undefined
}

export type TracingMode = 'Active' | 'PassThrough'

/** The VPC a function is connected to (VpcConfig). */
export interface VpcSettings {
  readonly subnetIds: readonly string[]
  readonly securityGroupIds: readonly string[]
  readonly ipv6AllowedForDualStack?: boolean | undefined
}

/** Where and how a function's logs go (LoggingConfig). Levels apply to the JSON format only. */
export interface LoggingSettings {
  readonly logFormat?: 'Text' | 'JSON' | undefined
  readonly applicationLogLevel?: string | undefined
  readonly systemLogLevel?: string | undefined
  readonly logGroup?: string | undefined
}

/** Overrides of a container image's settings (ImageConfig). */
export interface ImageSettings {
  readonly command?: readonly string[] | undefined
  readonly entryPoint?: readonly string[] | undefined
  readonly workingDirectory?: string | undefined
}

/** The settings sling manages on a function (Lambda API names, camelCase). Unset fields are left alone. */
export interface FunctionSettings {
  readonly runtime?: string | undefined
  readonly handler?: string | undefined
  readonly role?: string | undefined
  readonly memorySize?: number | undefined
  readonly timeout?: number | undefined
  readonly description?: string | undefined
  readonly environment?: Readonly<Record<string, string>> | undefined
  /** Layer version ARNs; an empty list removes every layer. */
  readonly layers?: readonly string[] | undefined
  readonly ephemeralStorage?: number | undefined
  readonly tracing?: TracingMode | undefined
  readonly deadLetterTargetArn?: string | undefined
  /** Empty lists disconnect the function from its VPC. */
  readonly vpcConfig?: VpcSettings | undefined
  readonly loggingConfig?: LoggingSettings | undefined
  readonly imageConfig?: ImageSettings | undefined
}

/**
 * One change `LambdaApi.update` applies to a function. `revisionId` (from a read of the settled
 * function: `getFunction`, or the result of the previous `update`) makes AWS refuse the change if
 * someone else changed the function since.
 */
export type FunctionChange =
  | {readonly kind: 'code'; readonly code: CodeSource; readonly architecture?: 'x86_64' | 'arm64' | undefined; readonly revisionId?: string | undefined}
  | {readonly kind: 'configuration'; readonly settings: FunctionSettings; readonly revisionId?: string | undefined}
  /** Reserves `count` concurrent executions for the function; undefined removes the reservation. */
  | {readonly kind: 'reservedConcurrency'; readonly count: number | undefined}
  | {readonly kind: 'tags'; readonly set?: Readonly<Record<string, string>> | undefined; readonly remove?: readonly string[] | undefined}

/** What a new function is created with. */
export interface NewFunction extends FunctionSettings {
  readonly name: string
  readonly role: string
  readonly code: CodeSource
  /** @default "x86_64" */
  readonly architecture?: 'x86_64' | 'arm64' | undefined
  readonly tags?: Readonly<Record<string, string>> | undefined
}

/** Where a deployment package comes from: inline bytes (≤ 50 MB zipped), an S3 object, or an ECR image. */
export type CodeSource =
  | {readonly zipFile: Uint8Array}
  | {readonly s3Bucket: string; readonly s3Key: string; readonly s3ObjectVersion?: string | undefined}
  | {readonly imageUri: string}

/** A published, immutable version. */
export interface VersionInfo {
  readonly version: string
  readonly arn: string
  readonly codeSha256: string
  readonly description?: string | undefined
  readonly lastModified?: string | undefined
  /** The version's own revision (each version has one, changing with its state). */
  readonly revisionId?: string | undefined
}

/** An alias and the traffic it splits. */
export interface AliasInfo {
  readonly name: string
  readonly arn: string
  /** The version that gets the traffic not routed elsewhere. */
  readonly version: string
  /** Extra versions and the share (0–1) of traffic each gets. */
  readonly routing: Readonly<Record<string, number>>
  readonly description?: string | undefined
  /** Changes on every update; `pointAlias` sends it back so a concurrent change is refused, not overwritten. */
  readonly revisionId?: string | undefined
}

/** Where `pointAlias` points an alias. */
export interface AliasTarget {
  readonly version: string
  /** Extra versions and the share (0–1) of traffic each gets; none clears any split. */
  readonly routing?: Readonly<Record<string, number>> | undefined
  readonly description?: string | undefined
}

/** What `pointAlias` did: the alias before (undefined when it was just created) and after. */
export interface AliasChange {
  readonly previous: AliasInfo | undefined
  readonly alias: AliasInfo
}

/** Provisioned concurrency on a version or alias. */
export interface ProvisionedConcurrencyInfo {
  readonly requested: number
  readonly allocated: number
  readonly available: number
  /** IN_PROGRESS while environments are being prepared, then READY (or FAILED, with a reason). */
  readonly status: string
  readonly statusReason?: string | undefined
}

/** Provisioned concurrency on one version or alias, as ListProvisionedConcurrencyConfigs lists it. */
export interface ProvisionedConcurrencyConfig extends ProvisionedConcurrencyInfo {
  /** The version or alias ARN it is configured on. */
  readonly arn: string
  /** The version number or alias name (the ARN's qualifier). */
  readonly qualifier: string
}

/** An event source mapping (SQS, Kinesis, DynamoDB, Kafka…) and what it invokes. */
export interface EventSourceMappingInfo {
  readonly uuid: string
  /** The function it invokes: qualified (…:function:NAME:3, …:NAME:live) when it invokes a version or alias. */
  readonly functionArn: string
  readonly eventSourceArn?: string | undefined
  /** Creating, Enabled, Disabled, Updating, Deleting… */
  readonly state?: string | undefined
}

/** What happens to asynchronous invocations (PutFunctionEventInvokeConfig). */
export interface EventInvokeConfig {
  /** 0–2. */
  readonly maximumRetryAttempts?: number | undefined
  /** 60–21600. */
  readonly maximumEventAgeSeconds?: number | undefined
  /** Destination ARN (SQS, SNS, Lambda, EventBridge, S3) for successful invocations. */
  readonly onSuccess?: string | undefined
  /** Destination ARN for invocations that failed every attempt. */
  readonly onFailure?: string | undefined
}

/** The account's Lambda limits and usage in the region (GetAccountSettings), in bytes and counts. */
export interface AccountSettings {
  readonly limits: {
    readonly totalCodeSize: number
    readonly codeSizeUnzipped: number
    readonly codeSizeZipped: number
    readonly concurrentExecutions: number
    readonly unreservedConcurrentExecutions: number
  }
  readonly usage: {readonly totalCodeSize: number; readonly functionCount: number}
}

/** What one invocation returned. */
export interface InvokeResult {
  /** 200 for RequestResponse, 202 for Event, 204 for DryRun. */
  readonly statusCode: number
  /** The version that ran (aliases resolve to a number). */
  readonly executedVersion?: string | undefined
  readonly payload: Uint8Array
  /** "Unhandled" (or "Handled") when the function threw: the call worked, the function failed. */
  readonly functionError?: string | undefined
  /** The last 4 KB of the invocation's log, decoded, when asked for. */
  readonly logTail?: string | undefined
  /** Lambda's request id (x-amzn-RequestId): the invocation's START/END lines in its log carry it. */
  readonly requestId?: string | undefined
  /** Attempts the SDK made (more than 1 when it retried throttling or a 5xx). */
  readonly attempts?: number | undefined
}

/** A response-streaming invocation (InvokeWithResponseStream) as it arrives. */
export interface InvokeStream {
  /** 200 once the function started answering. */
  readonly statusCode: number
  readonly executedVersion?: string | undefined
  readonly requestId?: string | undefined
  /** The response's Content-Type header. */
  readonly contentType?: string | undefined
  /** The payload chunks as Lambda sends them, then one `complete`. */
  readonly events: AsyncIterable<InvokeStreamEvent>
}

export type InvokeStreamEvent =
  | {readonly kind: 'chunk'; readonly payload: Uint8Array}
  /** The end of the stream: `errorCode` (and `errorDetails`) when the function failed, `logTail` when asked for (decoded). */
  | {readonly kind: 'complete'; readonly errorCode?: string | undefined; readonly errorDetails?: string | undefined; readonly logTail?: string | undefined}

/** A published layer version. */
export interface LayerVersionInfo {
  /** The ARN functions reference (ends in :VERSION). */
  readonly arn: string
  readonly layerArn: string
  readonly version: number
  readonly codeSha256: string
  readonly codeSize: number
}

/** A layer version as ListLayerVersions lists it: no CodeSha256 there (GetLayerVersion has it). */
export interface LayerVersionSummary {
  readonly arn: string
  readonly version: number
  readonly description?: string | undefined
  readonly createdDate?: string | undefined
}

/** An object stored in S3. */
export interface StoredObject {
  readonly bucket: string
  readonly key: string
  /** The ETag as S3 returns it (quoted; "-N" suffix for an N-part upload). */
  readonly etag: string
  readonly size: number
  readonly versionId?: string | undefined
}

/**
 * A log event as CloudWatch Logs stores and returns it: with its stream, id and ingestion time (unlike
 * the bare {timestamp, message} a writer sends, which is the local runtime's LogEvent).
 */
export interface StoredLogEvent {
  readonly timestamp: number
  readonly message: string
  readonly logStream: string
  readonly eventId?: string | undefined
  readonly ingestionTime?: number | undefined
}

/** A CloudWatch alarm (metric or composite) and its current state. */
export interface AlarmInfo {
  readonly name: string
  readonly arn: string
  readonly kind: 'metric' | 'composite'
  /** OK, ALARM or INSUFFICIENT_DATA. */
  readonly state: string
  readonly stateReason?: string | undefined
  readonly stateUpdatedAt?: Date | undefined
}

/** A CloudWatch metric, by namespace, name and dimensions (e.g. AWS/Lambda Errors {FunctionName, Resource}). */
export interface MetricRef {
  readonly namespace: string
  readonly name: string
  readonly dimensions?: Readonly<Record<string, string>> | undefined
}

/** One query of GetMetricData: a metric with a statistic, or a metric math expression over other ids. */
export type MetricQuery = {readonly id: string; readonly label?: string | undefined; readonly returnData?: boolean | undefined} & (
  | {readonly metric: MetricRef; readonly stat: string; readonly periodSeconds: number}
  | {readonly expression: string; readonly periodSeconds?: number | undefined}
)

/** One query's answer: points in time order (oldest first). */
export interface MetricSeries {
  readonly id: string
  readonly label?: string | undefined
  readonly points: readonly {readonly timestamp: Date; readonly value: number}[]
  /** Complete, or PartialData when AWS capped the answer (sling already follows every page). */
  readonly status?: string | undefined
}

/** A metric alarm to create (tests and `sling doctor` use it; rollouts only read alarms). */
export interface NewMetricAlarm {
  readonly name: string
  readonly metric: MetricRef
  /** e.g. "Sum", "Average", "p99". */
  readonly stat: string
  readonly periodSeconds: number
  readonly evaluationPeriods: number
  readonly threshold: number
  readonly comparison: 'GreaterThanOrEqualToThreshold' | 'GreaterThanThreshold' | 'LessThanThreshold' | 'LessThanOrEqualToThreshold'
  /** @default "missing" */
  readonly treatMissingData?: 'breaching' | 'notBreaching' | 'ignore' | 'missing' | undefined
  readonly description?: string | undefined
}

/** An IAM role. */
export interface RoleInfo {
  readonly name: string
  readonly arn: string
  readonly roleId: string
  /** The trust (assume-role) policy, as JSON text. */
  readonly trustPolicy: string
  readonly description?: string | undefined
  readonly tags: Readonly<Record<string, string>>
}

/** An IAM policy document: JSON text, or an object sling serialises. */
export type PolicyDocument = string | Readonly<Record<string, unknown>>

/** Who the credentials belong to (STS GetCallerIdentity). */
export interface CallerIdentity {
  /** The 12-digit account id. */
  readonly account: string
  readonly arn: string
  readonly userId: string
}
