/**
 * The local cloud's shared contract: what the HTTP layer hands a service (request, context), what a
 * service hands back (router, protocol error), and the typed hooks through which services talk to each
 * other. A leaf: it imports no module of the local cloud at run time, so every service and codec can lean
 * on it without a cycle (the server, services.ts and the codecs import it; it imports none of them).
 */
import type {IncomingHttpHeaders, IncomingMessage, ServerResponse} from 'node:http'
import type {Readable} from 'node:stream'

import type {BlobRef, Store} from './store.js'

/** One incoming AWS call, with what the local cloud needs to route it. */
export interface LocalRequest {
  readonly method: string
  readonly url: URL
  readonly headers: IncomingHttpHeaders
  /** The AWS service the caller signed for (SigV4 credential scope), e.g. "lambda", "logs", "s3", "iam". */
  readonly service: string
  /** The region the caller signed for; state is kept per region. */
  readonly region: string
  readonly raw: IncomingMessage
  /**
   * The whole body, buffered once (later calls share the first call's result and limit). It rejects
   * with a `BodyTooLargeError` as soon as the declared Content-Length or the bytes received pass
   * `limit`: no more than `limit` bytes are ever held, and the server discards the rest of the body
   * once the router has answered (in its protocol) so the client reads that answer.
   */
  body(limit: number): Promise<Buffer>
  /**
   * The body as a stream, for bodies too large to buffer (S3 objects): its consumer enforces the
   * limit. Destroying it stops reading without resetting the connection; it errors if the client
   * disconnects before the end.
   */
  stream(): Readable
}

/** An error in the shape a protocol expects; each router knows how to write its own. */
export interface ProtocolError {
  readonly status: number
  /** The error's shape name in the service model (e.g. "ResourceNotFoundException", "NoSuchEntity"). */
  readonly code: string
  readonly message: string
  /** Extra modelled fields (e.g. Lambda's Type, retryAfterSeconds). */
  readonly fields?: Record<string, unknown>
}

/** A refusal a service's operation throws; its router writes it in the protocol the caller used. */
export class ServiceError extends Error implements ProtocolError {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: Record<string, unknown>,
  ) {
    super(message)
    this.name = code
  }
}

/** Decides whether a call gets an injected fault (throttling, 5xx) or added latency before it is served. */
export interface FaultInjector {
  /** `operation` is the AWS operation name when the router can tell it (e.g. "PutObject"). */
  pick(request: LocalRequest, operation?: string): Promise<ProtocolError | undefined>
}

/** The local cloud's settings: SLING_LOCAL_* (read in settings.ts only) or `sling local serve` flags. */
export interface LocalSettings {
  /** How long Pending→Active and InProgress→Successful take, so callers must wait as on AWS. */
  readonly stateDelayMs: number
  readonly faults: FaultInjector
  /** How long a warm execution environment waits for its next invocation (SLING_LOCAL_IDLE_TIMEOUT_MS). */
  readonly idleTimeoutMs?: number | undefined
  /** Execution environments kept at once (SLING_LOCAL_MAX_ENVIRONMENTS). */
  readonly maxEnvironments?: number | undefined
  /** The delay before an asynchronous invocation is retried (SLING_LOCAL_ASYNC_RETRY_MS). */
  readonly asyncRetryMs?: number | undefined
  /**
   * How long a new IAM role can't yet be assumed by Lambda (SLING_LOCAL_ROLE_PROPAGATION_MS): AWS
   * takes seconds to propagate a role, and deploys must retry through it. @default 3000
   */
  readonly rolePropagationMs?: number | undefined
  /** An absolute file each served call is appended to, one JSON line each (SLING_LOCAL_CALL_LOG). */
  readonly callLogFile?: string | undefined
  /** How often CloudWatch alarms are evaluated (SLING_LOCAL_ALARM_TICK_MS). */
  readonly alarmTickMs?: number | undefined
  /** How long a recorded metric data point stays invisible, as CloudWatch publishes with a delay (SLING_LOCAL_METRIC_DELAY_MS). */
  readonly metricDelayMs?: number | undefined
  /** How long a Live Tail session lasts before SessionTimeoutException (SLING_LOCAL_LIVE_TAIL_TIMEOUT_MS; 3 hours on AWS). */
  readonly liveTailTimeoutMs?: number | undefined
  /**
   * How often SQS long polls and Lambda's queue poller look at the store again (SLING_LOCAL_SQS_POLL_MS): what
   * another process sent is seen this late at most; a send in the same process wakes them at once. @default 100
   */
  readonly sqsPollMs?: number | undefined
  /**
   * How long a deleted queue's name can't be reused (QueueDeletedRecently) and a queue can't be purged again
   * (PurgeQueueInProgress), SLING_LOCAL_SQS_COOLDOWN_MS; AWS waits 60 s. @default 1000
   */
  readonly sqsCooldownMs?: number | undefined
}

// --- hooks: how services reach each other --------------------------------------------------------------

/** One log event as a service writes it (a line of a function's output). */
export interface LogEvent {
  readonly timestamp: number
  readonly message: string
}

/** One data point of a CloudWatch metric (Lambda's Invocations, Errors, Duration, Throttles…). */
export interface MetricDatum {
  readonly region: string
  readonly namespace: string
  readonly name: string
  readonly dimensions: Readonly<Record<string, string>>
  readonly value: number
  readonly unit: string
  /** Epoch milliseconds. */
  readonly timestamp: number
}

/** An Event (asynchronous) invocation another service asks Lambda for (S3 notifications, SQS delivery). */
export interface AsyncInvocation {
  readonly region: string
  /** A name, a partial or full ARN, qualified or not. */
  readonly functionName: string
  readonly qualifier?: string
  readonly payload: string
}

/** An object of the local S3, read by another service (Lambda's code from S3Bucket/S3Key). */
export interface LocalS3Object {
  readonly blob: BlobRef
  readonly size: number
  readonly etag: string
  readonly contentType: string
  /** The bytes, streamed from the store. */
  open(): Readable
}

/** What happened to an object, as S3 event notifications name it. */
export interface ObjectChange {
  readonly region: string
  readonly bucket: string
  readonly key: string
  /** "ObjectCreated:Put", "ObjectCreated:Copy", "ObjectCreated:CompleteMultipartUpload", "ObjectRemoved:Delete"… */
  readonly event: string
  readonly size?: number
  readonly etag?: string
  /** The address the request came from (S3 events' requestParameters.sourceIPAddress). */
  readonly sourceIp?: string
}

/** A question to a function's resource-based policy: may `principal` call `action` on it? */
export interface PermissionCheck {
  /** The function's ARN, qualified or not: a qualified ARN is checked against that qualifier's policy. */
  readonly functionArn: string
  /** A service principal ("s3.amazonaws.com"), an account id, an ARN, or "*". */
  readonly principal: string
  /** @default "lambda:InvokeFunction" */
  readonly action?: string
  /** The resource calling (AWS:SourceArn), e.g. "arn:aws:s3:::bucket". */
  readonly sourceArn?: string
  /** The account owning that resource (AWS:SourceAccount). */
  readonly sourceAccount?: string
}

/** An IAM role as Lambda checks an execution role (IAM provides it through the iam.role hook). */
export interface LocalRole {
  readonly arn: string
  /** When the role was created, epoch milliseconds (roles take a while to propagate, as on AWS). */
  readonly createdAt: number
  /** The trust policy, as JSON text. */
  readonly trustPolicy: string
  readonly attachedPolicyArns: readonly string[]
  /** Inline policies by name, as JSON text. */
  readonly inlinePolicies: Readonly<Record<string, string>>
}

/** An SQS queue as Lambda's poller sees it (the sqs.queue hook). */
export interface LocalQueue {
  readonly arn: string
  readonly fifo: boolean
  /** Seconds a received message stays invisible (the queue's VisibilityTimeout). */
  readonly visibilityTimeout: number
}

/** A message attribute as SQS carries it (BinaryValue in base64). */
export interface QueueMessageAttribute {
  readonly DataType: string
  readonly StringValue?: string
  readonly BinaryValue?: string
}

/** One message received from a queue (the sqs.receive hook), with what Lambda's SQS event carries. */
export interface QueueMessage {
  readonly messageId: string
  readonly receiptHandle: string
  readonly body: string
  readonly md5OfBody: string
  readonly md5OfMessageAttributes?: string
  /** System attributes: ApproximateReceiveCount, SentTimestamp, SenderId, ApproximateFirstReceiveTimestamp, and FIFO's MessageGroupId, SequenceNumber, MessageDeduplicationId. */
  readonly attributes: Readonly<Record<string, string>>
  readonly messageAttributes: Readonly<Record<string, QueueMessageAttribute>>
}

/** A receive on behalf of another service: as ReceiveMessage with every attribute asked for. */
export interface QueueReceive {
  readonly arn: string
  /** 1–10. */
  readonly maxMessages: number
  /** How long to wait for a first message (long polling); 0 answers at once. */
  readonly waitMs: number
  /** Ends the wait early (the poller is stopping). */
  readonly signal?: AbortSignal
}

/**
 * The typed seams between services. A service never reads another's storage: it calls a hook, which
 * the service owning the data provides (services.ts wires them; see hooks.ts for what answers when no
 * service provides one).
 */
export interface LocalHooks {
  readonly logs: {
    /** Appends events to a log stream, creating the group and stream when missing (what Lambda does). */
    write(region: string, group: string, stream: string, events: readonly LogEvent[]): Promise<void>
  }
  readonly metrics: {
    /** Records a metric data point; resolves once it is stored (CloudWatch provides it; a no-op without CloudWatch). */
    record(datum: MetricDatum): Promise<void>
  }
  readonly lambda: {
    /** Queues an Event invocation, as Lambda's Invoke with InvocationType Event does; resolves to its request id. */
    invokeAsync(invocation: AsyncInvocation): Promise<string>
    /**
     * Whether the function's resource-based policy allows the call (false when the function or the
     * qualifier doesn't exist), as S3 checks a notification's destination.
     */
    checkPermission(check: PermissionCheck): Promise<boolean>
  }
  readonly iam: {
    /** The role an ARN of the local account names, or undefined when IAM has no such role. */
    role(arn: string): Promise<LocalRole | undefined>
  }
  readonly s3: {
    /** An object of the local S3, or why there is none. */
    read(bucket: string, key: string): Promise<LocalS3Object | 'NoSuchBucket' | 'NoSuchKey'>
    /** S3 calls these after an object is stored or removed; S3 provides them too, to send its event notifications. */
    objectCreated(change: ObjectChange): Promise<void>
    objectRemoved(change: ObjectChange): Promise<void>
  }
  /** SQS provides these for Lambda's event source mappings, which poll queues as Lambda's poller does. */
  readonly sqs: {
    /** The queue an ARN names (in the local account), or undefined when there is none. */
    queue(arn: string): Promise<LocalQueue | undefined>
    /** Receives up to `maxMessages` messages, redriving to a dead-letter queue as ReceiveMessage does. */
    receive(request: QueueReceive): Promise<readonly QueueMessage[]>
    /** Deletes received messages; a stale or unknown handle is ignored, as DeleteMessageBatch's failures would be. */
    delete(arn: string, receiptHandles: readonly string[]): Promise<void>
    /** Sets a received message's visibility timeout (seconds from now); a stale handle is ignored. */
    changeVisibility(arn: string, receiptHandle: string, seconds: number): Promise<void>
  }
}

/** What a service may provide: any member of any hook group. */
export type ProvidedHooks = {readonly [Group in keyof LocalHooks]?: Partial<LocalHooks[Group]>}

/** What every service router shares: one store, one account, the settings, the hooks. */
export interface LocalContext {
  readonly store: Store
  readonly accountId: string
  readonly settings: LocalSettings
  readonly hooks: LocalHooks
  /** The base URL callers reach this server at (set once listening). */
  endpoint(): string
}

/** One AWS service over its wire protocol(s) (REST-JSON, JSON 1.0/1.1, REST-XML, query). */
export interface ServiceRouter {
  /** The SigV4 signing name this router answers for. */
  readonly service: string
  /** The X-Amz-Target prefix of its JSON protocol ("Logs_20140328"), to route a request that isn't signed. */
  readonly targetPrefix?: string
  handle(request: LocalRequest, response: ServerResponse): Promise<void>
  /** Writes `error` as this protocol's error response (in the protocol the request used). */
  writeError(response: ServerResponse, error: ProtocolError, request: LocalRequest): void
  /** Stops background work (warm workers, queues). */
  close?(): Promise<void>
  /** The AWS operation a request calls, when cheap to tell (lets SLING_LOCAL_FAULT_OPS select operations). */
  operation?(request: LocalRequest): string | undefined
  /** The hooks this service answers for the others (e.g. Lambda's invokeAsync). */
  readonly provides?: ProvidedHooks
}

export type RouterFactory = (context: LocalContext) => ServiceRouter | Promise<ServiceRouter>
