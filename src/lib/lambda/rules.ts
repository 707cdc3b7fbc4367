/**
 * Lambda's own rules, shared by the config (which refuses early what Lambda would refuse at deploy) and the
 * local cloud (which refuses it as Lambda does). A leaf: it imports nothing from the rest of sling.
 * Limits and patterns are the Lambda service model's (`aws-models/lambda/service-2.json`) unless noted.
 */
export * from './runtimes.js'

export const LAMBDA_LIMITS = {
  memoryMin: 128,
  memoryMax: 32_768,
  timeoutMin: 1,
  timeoutMax: 5_400,
  ephemeralMin: 512,
  ephemeralMax: 10_240,
  descriptionMax: 256,
  functionNameMax: 64,
  layerNameMax: 140,
  handlerMax: 128,
  layersMax: 5,
  /** CompatibleRuntimes of a layer version. */
  compatibleRuntimesMax: 15,
  tagKeyMax: 128,
  tagValueMax: 256,
  /** Zipped deployment package uploaded in the request (ZipFile of CreateFunction/UpdateFunctionCode): a quota. */
  zippedDirectMax: 50 * 1024 * 1024,
  /** Unzipped function code plus all its layers: a quota. */
  unzippedMax: 262_144_000,
  /** All environment variables, keys and values, as Lambda counts them: a quota. */
  environmentMax: 4 * 1024,
  /** VpcConfig.SubnetIds. */
  subnetIdsMax: 16,
  /** VpcConfig.SecurityGroupIds. */
  securityGroupIdsMax: 5,
  /** LoggingConfig.LogGroup. */
  logGroupMax: 512,
  /** An alias name (also the Qualifier of provisioned concurrency). */
  aliasNameMax: 128,
  /** FunctionEventInvokeConfig.MaximumRetryAttempts. */
  asyncRetriesMax: 2,
  /** FunctionEventInvokeConfig.MaximumEventAgeInSeconds. */
  asyncEventAgeMin: 60,
  asyncEventAgeMax: 21_600,
  /** ImageConfig.WorkingDirectory. */
  workingDirectoryMax: 1000,
  /** ImageConfig.Command / EntryPoint (StringList). */
  imageStringListMax: 1500,
  /** S3Bucket of FunctionCode (and every S3 bucket name). */
  bucketNameMin: 3,
  bucketNameMax: 63,
  /** An IAM role name (roleNameType of the IAM model). */
  roleNameMax: 64,
  /**
   * Concurrency Lambda keeps unreserved in every account: PutFunctionConcurrency refuses a reservation that
   * would leave less ("…decreases account's UnreservedConcurrentExecution below its minimum value of [100]").
   */
  unreservedConcurrencyMin: 100,
} as const

/** What Lambda sets when CreateFunction leaves a setting out. */
export const LAMBDA_DEFAULTS = {
  memorySize: 128,
  timeout: 3,
  ephemeralStorage: 512,
  architecture: 'x86_64',
} as const

export const ARCHITECTURES = ['x86_64', 'arm64'] as const
export const TRACING_MODES = ['Active', 'PassThrough'] as const
export const LOG_FORMATS = ['Text', 'JSON'] as const
export const APPLICATION_LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const
export const SYSTEM_LOG_LEVELS = ['DEBUG', 'INFO', 'WARN'] as const
export type Architecture = (typeof ARCHITECTURES)[number]

/** A function name as CreateFunction takes it (the name part of the model's FunctionName pattern). */
export const FUNCTION_NAME_PATTERN = /^[a-zA-Z0-9_-]+$/
/** Layer names, and the keys sling derives names from. */
export const LAYER_NAME_PATTERN = /^[a-zA-Z0-9_-]+$/
export const ENV_KEY_PATTERN = /^[a-zA-Z][a-zA-Z0-9_]+$/
export const HANDLER_PATTERN = /^[^\s]+$/
export const ROLE_ARN_PATTERN = /^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/
export const LAYER_VERSION_ARN_PATTERN = /^arn:(aws[a-zA-Z-]*)?:lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d:\d{12}:layer:[a-zA-Z0-9_-]+:[0-9]+$/

/** An alias name: not all digits (those are versions). The model's Alias pattern, anchored. */
export const ALIAS_NAME_PATTERN = /^(?!\d+$)[a-zA-Z0-9_-]+$/
export const SUBNET_ID_PATTERN = /^subnet-[0-9a-z]*$/
export const SECURITY_GROUP_ID_PATTERN = /^sg-[0-9a-zA-Z]*$/
export const LOG_GROUP_PATTERN = /^[.\-_/#A-Za-z0-9]+$/
/** DeadLetterConfig.TargetArn (the model's ResourceArn; Lambda accepts an SQS queue or SNS topic there). */
export const RESOURCE_ARN_PATTERN = /^arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*$/
/** The destinations of asynchronous invocations (the model's DestinationArn, without its empty and kafka:// forms). */
export const DESTINATION_ARN_PATTERN = /^arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9-])+:((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d)?:(\d{12})?:(.*)$/
/**
 * A container image in Amazon ECR, by tag or digest: the only images Lambda runs (the model leaves ImageUri
 * unconstrained; Lambda refuses any other registry with "Source image … is not valid").
 */
export const ECR_IMAGE_URI_PATTERN = /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/[a-z0-9][a-z0-9._/-]*(:[\w][\w.-]{0,127}|@sha256:[a-f0-9]{64})$/
/** FunctionCode.S3Bucket (3–63 characters, not ending in a dot). */
export const BUCKET_NAME_PATTERN = /^[0-9A-Za-z.\-_]*(?<!\.)$/
/** IAM role names (the IAM model's roleNameType). */
export const ROLE_NAME_PATTERN = /^[\w+=,.@-]+$/

/**
 * Keys the Lambda runtime sets itself. CreateFunction and UpdateFunctionConfiguration refuse a configuration
 * that sets any of them (InvalidParameterValueException, "…contains reserved keys…"). Source: "Defined
 * runtime environment variables" in the Lambda Developer Guide, checked against cfn-lint's list and
 * Lambda's own error for AWS_DEFAULT_REGION. TZ, LANG, PATH, NODE_OPTIONS and the like aren't reserved.
 */
export const RESERVED_ENV_KEYS: readonly string[] = [
  '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR',
]

/** Matches every name except the reserved ones, so the config's JSON Schema can flag them in editors too. */
export const UNRESERVED_ENV_KEY_PATTERN = new RegExp(`^(?!(?:${RESERVED_ENV_KEYS.join('|')})$)`)

export function isReservedEnvKey(key: string): boolean {
  return RESERVED_ENV_KEYS.includes(key)
}
