/**
 * The settings `sling deploy` sends to Lambda beyond code, memory and timeout: one zod field each, named as in
 * the Lambda API (camelCase), limits and patterns from lambda/rules.ts. Spread into the function schema.
 * Objects here replace whole across `defaults`/stages/functions (see load.ts), so each one is complete as written.
 */
import {z} from 'zod'

import {
  ALIAS_NAME_PATTERN,
  APPLICATION_LOG_LEVELS,
  BUCKET_NAME_PATTERN,
  DESTINATION_ARN_PATTERN,
  ECR_IMAGE_URI_PATTERN,
  LAMBDA_DEFAULTS,
  LAMBDA_LIMITS,
  LOG_FORMATS,
  LOG_GROUP_PATTERN,
  RESOURCE_ARN_PATTERN,
  ROLE_NAME_PATTERN,
  SECURITY_GROUP_ID_PATTERN,
  SUBNET_ID_PATTERN,
  SYSTEM_LOG_LEVELS,
  TRACING_MODES,
} from '../lambda/rules.js'
import {refinedBy} from './refine.js'

const ARN_RULE = 'an ARN such as arn:aws:sqs:eu-west-1:123456789012:my-queue'
const ALIAS_RULE = 'letters, digits, hyphens and underscores, not only digits (those name versions)'
const StringList = z.array(z.string()).max(LAMBDA_LIMITS.imageStringListMax)
const Alias = z.string().min(1).max(LAMBDA_LIMITS.aliasNameMax).regex(ALIAS_NAME_PATTERN, ALIAS_RULE)

const LoggingConfig = refinedBy(
  z.strictObject({
    logFormat: z.enum(LOG_FORMATS).optional().describe('Text (the default) or JSON.'),
    applicationLogLevel: z.enum(APPLICATION_LOG_LEVELS).optional().describe('JSON format only. Lambda\'s default: INFO.'),
    systemLogLevel: z.enum(SYSTEM_LOG_LEVELS).optional().describe('JSON format only. Lambda\'s default: INFO.'),
    logGroup: z.string().min(1).max(LAMBDA_LIMITS.logGroupMax).regex(LOG_GROUP_PATTERN).optional().describe('Default: /aws/lambda/<function name>.'),
  }),
  'logLevels',
)

/** Function settings that deploy manages. `publish` and `alias` are what deploy does after the change. */
export const DeployFunctionFields = {
  image: z.string().regex(ECR_IMAGE_URI_PATTERN, 'an Amazon ECR image URI such as 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.2.0').optional()
    .describe('A container image in Amazon ECR: deployed as PackageType Image (sling does not build images; no entry or bundling).'),
  imageConfig: z.strictObject({
    command: StringList.optional(),
    entryPoint: StringList.optional(),
    workingDirectory: z.string().max(LAMBDA_LIMITS.workingDirectoryMax).optional(),
  }).optional().describe('Overrides of the image\'s CMD, ENTRYPOINT and WORKDIR (image functions only).'),
  ephemeralStorage: z.number().int().min(LAMBDA_LIMITS.ephemeralMin).max(LAMBDA_LIMITS.ephemeralMax).describe('Size of /tmp in MB.').default(LAMBDA_DEFAULTS.ephemeralStorage),
  tracing: z.enum(TRACING_MODES).describe('X-Ray tracing mode (Lambda\'s TracingConfig.Mode).').default('PassThrough'),
  deadLetterTargetArn: z.string().regex(RESOURCE_ARN_PATTERN, ARN_RULE).optional().describe('SQS queue or SNS topic for events that failed every asynchronous attempt (DeadLetterConfig.TargetArn).'),
  vpcConfig: z.strictObject({
    subnetIds: z.array(z.string().regex(SUBNET_ID_PATTERN, 'a subnet id such as subnet-0abc')).max(LAMBDA_LIMITS.subnetIdsMax),
    securityGroupIds: z.array(z.string().regex(SECURITY_GROUP_ID_PATTERN, 'a security group id such as sg-0abc')).max(LAMBDA_LIMITS.securityGroupIdsMax),
    ipv6AllowedForDualStack: z.boolean().optional(),
  }).optional().describe('Subnets and security groups to connect the function to; empty lists disconnect it.'),
  loggingConfig: LoggingConfig.optional().describe('Log format, levels (JSON only) and log group.'),
  reservedConcurrentExecutions: z.number().int().min(0).optional().describe('Concurrency reserved for this function; 0 stops it from running.'),
  provisionedConcurrency: z.strictObject({
    executions: z.number().int().min(1).describe('Execution environments kept initialised.'),
    alias: Alias.optional().describe('The alias it applies to. Default: the function\'s "alias".'),
  }).optional().describe('Provisioned concurrency on an alias (PutProvisionedConcurrencyConfig).'),
  eventInvokeConfig: z.strictObject({
    maximumRetryAttempts: z.number().int().min(0).max(LAMBDA_LIMITS.asyncRetriesMax).optional(),
    maximumEventAgeInSeconds: z.number().int().min(LAMBDA_LIMITS.asyncEventAgeMin).max(LAMBDA_LIMITS.asyncEventAgeMax).optional(),
    onSuccess: z.string().regex(DESTINATION_ARN_PATTERN, ARN_RULE).optional().describe('Destination ARN for successful asynchronous invocations.'),
    onFailure: z.string().regex(DESTINATION_ARN_PATTERN, ARN_RULE).optional().describe('Destination ARN for asynchronous invocations that failed every attempt.'),
  }).optional().describe('Asynchronous invocation settings (PutFunctionEventInvokeConfig); unset members take Lambda\'s defaults.'),
  publish: z.boolean().describe('Publish a version after a deploy that changed the function.').default(false),
  alias: Alias.optional().describe('Point this alias at the published version (implies "publish").'),
}

/** The top-level "deployment" section: where large artifacts go, and the execution role sling may create. */
export const DeploymentSchema = z.strictObject({
  bucket: z.string().min(LAMBDA_LIMITS.bucketNameMin).max(LAMBDA_LIMITS.bucketNameMax).regex(BUCKET_NAME_PATTERN).optional()
    .describe('S3 bucket for artifacts over 50 MB. Default: one sling creates, "sling-artifacts-<account>-<region>".'),
  rolePrefix: z.string().min(1).max(20).regex(ROLE_NAME_PATTERN).optional()
    .describe('Start of the name of the execution role sling creates for functions with no "role": "<rolePrefix>-<service>". Default: "sling".'),
})
export type Deployment = z.infer<typeof DeploymentSchema>
