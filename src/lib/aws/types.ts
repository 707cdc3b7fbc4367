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
  /** When set, AWS refuses the update if the function changed since this revision was read. */
  readonly revisionId?: string | undefined
}

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
  readonly revisionId?: string | undefined
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
}

/** A published layer version. */
export interface LayerVersionInfo {
  /** The ARN functions reference (ends in :VERSION). */
  readonly arn: string
  readonly layerArn: string
  readonly version: number
  readonly codeSha256: string
  readonly codeSize: number
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

/** One CloudWatch Logs event. */
export interface LogEvent {
  readonly timestamp: number
  readonly message: string
  readonly logStream: string
  readonly eventId?: string | undefined
  readonly ingestionTime?: number | undefined
}
