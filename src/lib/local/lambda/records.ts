/**
 * The records the local Lambda keeps in the store. Everything the API returns is stored as the API
 * returns it (JSON-able SDK shapes), plus what the runtime needs to run the code.
 *
 * Collections (per region):
 * - `lambda/<region>/functions`: one {@link FunctionRecord} per function, id = function name.
 * - `lambda/<region>/layers`: one {@link LayerRecord} per layer, id = layer name.
 * - `lambda/<region>/event-source-mappings`: one {@link EventSourceMappingRecord} per mapping, id = UUID.
 */
import type {
  AliasConfiguration,
  EventSourceMappingConfiguration,
  FunctionConfiguration,
  FunctionEventInvokeConfig,
  FunctionUrlConfig,
  LayerVersionsListItem,
  ProvisionedConcurrencyConfigListItem,
} from '@aws-sdk/client-lambda'

export const functionsCollection = (region: string): string => `lambda/${region}/functions`
export const layersCollection = (region: string): string => `lambda/${region}/layers`
export const mappingsCollection = (region: string): string => `lambda/${region}/event-source-mappings`
/** The regions that have event source mappings (id = region), for the poller to look in. */
export const ESM_REGIONS = 'lambda/esm-regions'
/** Which process polls each mapping (id = UUID): one poller per mapping across the processes sharing a store. */
export const leasesCollection = (region: string): string => `lambda/${region}/esm-leases`

/** A code or layer zip in the store's blobs. */
export interface CodeRef {
  /** Hex SHA-256: the blob id (`store.blobPath(sha256)`). */
  readonly sha256: string
  /** Zipped size in bytes. */
  readonly size: number
  /** Unzipped size in bytes (sum of the entries' uncompressed sizes). */
  readonly unzippedSize: number
}

/** A layer version a function version uses, resolved when the configuration was set. */
export interface LayerRef {
  /** The layer version ARN (`arn:aws:lambda:<region>:<account>:layer:<name>:<version>`). */
  readonly arn: string
  /** Hex SHA-256 of the layer zip (blob id). */
  readonly sha256: string
  readonly codeSize: number
  /** Unzipped size of the layer (counts towards the 250 MB function + layers limit). */
  readonly unzippedSize?: number
}

/** Milliseconds since the epoch, used to compute State / LastUpdateStatus lazily. */
export interface Timing {
  /** When the version was created (State Pending until `readyAt`). */
  readonly createdAt: number
  /** When the current update (or creation) settles: State Active / LastUpdateStatus Successful|Failed. */
  readonly readyAt: number
  /** What the pending update ends as; "Failed" with a reason, e.g. a missing layer. */
  readonly outcome?: {readonly status: 'Successful' | 'Failed'; readonly reason?: string; readonly reasonCode?: string}
  /** True while the settle is for an update (LastUpdateStatus), false for creation (State). */
  readonly updating: boolean
}

/** One version of a function: `$LATEST` or a published number. */
export interface VersionRecord {
  /**
   * The FunctionConfiguration as GetFunctionConfiguration returns it, with State / LastUpdateStatus
   * as stored at the last write. Use `effectiveConfiguration()` (state.ts) for the current values.
   */
  readonly config: FunctionConfiguration
  readonly code: CodeRef
  readonly layers: readonly LayerRef[]
  readonly timing: Timing
  /** Set for PackageType Image: the image it runs (`code` then holds its digest, and no blob). */
  readonly image?: {readonly uri: string; readonly resolvedUri: string}
}

/** An alias; `RoutingConfig.AdditionalVersionWeights` routes a fraction to a second version. */
export type AliasRecord = AliasConfiguration & {readonly Name: string; readonly FunctionVersion: string; readonly RevisionId: string}

/** One statement of the resource-based policy (AddPermission). */
export interface PolicyStatement {
  readonly Sid: string
  readonly Effect: 'Allow'
  readonly Principal: unknown
  readonly Action: string
  readonly Resource: string
  readonly Condition?: Record<string, Record<string, string>>
}

/** A resource policy for the function or one qualifier (version/alias). */
export interface PolicyRecord {
  readonly statements: readonly PolicyStatement[]
  readonly revisionId: string
}

/** Everything about one function, in one document so one transaction updates it consistently. */
export interface FunctionRecord {
  readonly name: string
  /** `$LATEST` and published versions, keyed by version ("$LATEST", "1", "2", ...). */
  readonly versions: Record<string, VersionRecord>
  /** The last published version number (versions are never reused, even after deletion). */
  readonly lastVersion: number
  readonly aliases: Record<string, AliasRecord>
  /** Resource policies keyed by qualifier ("" for the unqualified function). */
  readonly policies: Record<string, PolicyRecord>
  /** Function URL configs keyed by qualifier ("" for the unqualified function, or an alias name). */
  readonly urls: Record<string, FunctionUrlConfig>
  readonly tags: Record<string, string>
  /** PutFunctionConcurrency; undefined when unreserved. */
  readonly reservedConcurrency?: number
  /** Provisioned concurrency keyed by qualifier (version or alias). */
  readonly provisioned: Record<string, ProvisionedConcurrencyConfigListItem>
  /** PutFunctionEventInvokeConfig keyed by qualifier ("$LATEST", version or alias). */
  readonly eventInvokeConfigs: Record<string, FunctionEventInvokeConfig>
}

/** One version of a layer. */
export interface LayerVersionRecord {
  /** As GetLayerVersion returns it, minus Content.Location (built per request). */
  readonly info: LayerVersionsListItem & {readonly LayerVersionArn: string; readonly Version: number}
  readonly code: CodeRef
  readonly codeSha256Base64: string
}

export interface LayerRecord {
  readonly name: string
  readonly lastVersion: number
  /** Keyed by version number as a string. */
  readonly versions: Record<string, LayerVersionRecord>
}

/** An event source mapping; `State` moves Creating→Enabled, Updating→…, Deleting→gone as on AWS. */
export interface EventSourceMappingRecord {
  readonly config: EventSourceMappingConfiguration & {readonly UUID: string}
  /** When a transitional State (Creating/Enabling/Disabling/Updating/Deleting) settles, with the target state ("Deleted": gone). */
  readonly settle?: {readonly at: number; readonly state: string}
}
