import {ExitCode, UserError} from '../errors.js'

interface AwsErrorShape {
  name?: string
  message?: string
  code?: string
  $metadata?: {httpStatusCode?: number; requestId?: string}
  $fault?: 'client' | 'server'
}

/** What the user was doing when AWS refused: lets messages name the function and region. */
export interface AwsErrorContext {
  readonly functionName?: string
  readonly region?: string
  readonly endpoint?: string
}

const NO_CREDENTIALS = ['CredentialsProviderError', 'TokenProviderError', 'ExpiredTokenException', 'ExpiredToken', 'TokenRefreshRequired']
/** AWS didn't recognise the credentials (a wrong or deleted key, a secret that doesn't match): not a permission problem. */
const BAD_CREDENTIALS = ['UnrecognizedClientException', 'InvalidClientTokenId', 'InvalidSignatureException', 'SignatureDoesNotMatch', 'InvalidAccessKeyId', 'AuthFailure']
const ACCESS_DENIED = ['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation', 'AuthorizationError']
const CONNECTION = ['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'TimeoutError']
const THROTTLED = ['TooManyRequestsException', 'ThrottlingException', 'Throttling', 'SlowDown']
const CONFIGURE_HINT = 'Run "aws configure" (or "aws sso login --profile NAME" for SSO) and pass --profile NAME, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.'
const LOCAL_HINT = 'No account? Add --local to use the embedded local cloud.'

/**
 * Turns an SDK or network error into a UserError: one line saying what is wrong, hints saying what to do.
 * Known errors are recognised by name or code, never by message text (the message only supplies detail, such
 * as the IAM action AWS denied); anything else stays "Unexpected".
 */
export function toUserError(error: unknown, context: AwsErrorContext = {}): UserError {
  if (error instanceof UserError) return error
  const e = (error ?? {}) as AwsErrorShape
  const name = e.name ?? ''
  const where = context.region ? ` in ${context.region}` : ''
  if (name === 'AbortError') {
    // An aborted wait or request (the SDK's, or an AbortSignal without a reason): the user stopped it.
    return new UserError('Interrupted', 'Interrupted: sling stopped waiting for AWS (changes AWS had already accepted still apply).', {cause: error, exitCode: ExitCode.Interrupted})
  }
  if (NO_CREDENTIALS.includes(name) || BAD_CREDENTIALS.includes(name)) return credentialsError(error, name)
  if (name === 'Error' && /Region is missing/.test(e.message ?? '')) {
    return new UserError('NoRegion', 'No AWS region is configured.', {cause: error, exitCode: ExitCode.Usage, hints: ['Pass --region REGION, export AWS_REGION, or set "region" in sling.config.json.']})
  }
  if (ACCESS_DENIED.includes(name)) return accessDenied(error, e.message ?? name, where)
  if (name === 'ResourceNotFoundException') {
    const missing = context.functionName ?? functionInArn(e.message)
    if (missing) return functionNotFound(error, missing, context.region ?? regionInArn(e.message))
  }
  if (THROTTLED.includes(name)) {
    return new UserError('Throttled', `AWS kept throttling requests${where}, even after retries.`, {cause: error, hints: ['Wait a moment and run the command again; it is safe to repeat.']})
  }
  const code = e.code ?? name
  if (CONNECTION.includes(code)) return unreachable(error, code, context)
  if (e.$metadata && name) {
    // A modelled AWS error we have no special advice for: AWS's own words are the best we have.
    return new UserError(name, `${name}: ${withoutValues(e.message) ?? 'AWS refused the request'}${where}`, {cause: error})
  }
  return new UserError('Unexpected', `Unexpected error: ${error instanceof Error ? error.message : String(error)}`, {
    cause: error,
    hints: ['Set DEBUG=1 to print the stack, and report it with the command you ran (add --verbose for the AWS calls it made).'],
  })
}

function credentialsError(error: unknown, name: string): UserError {
  if (BAD_CREDENTIALS.includes(name)) {
    return new UserError('InvalidCredentials', "AWS doesn't recognise the credentials sling is using (a wrong or deleted access key, or a secret that doesn't match).", {
      cause: error,
      hints: ['Check which credentials are in use with "aws sts get-caller-identity" (AWS_PROFILE, --profile, AWS_ACCESS_KEY_ID), then fix or replace them.', LOCAL_HINT],
    })
  }
  if (name.startsWith('Expired') || name === 'TokenRefreshRequired') {
    return new UserError('NoCredentials', 'Your AWS credentials have expired.', {
      cause: error,
      hints: ['For SSO run "aws sso login --profile NAME"; otherwise get fresh session credentials (AWS_SESSION_TOKEN) and run the command again.', LOCAL_HINT],
    })
  }
  return new UserError('NoCredentials', "sling couldn't find AWS credentials.", {cause: error, hints: [CONFIGURE_HINT, LOCAL_HINT]})
}

// AWS's denials read "User: ARN is not authorized to perform: ACTION [on resource: ARN] [because …| with an explicit
// deny in a …]"; some leave out the identity or the resource. Only details are read from the text.
const DENIED_ACTION = /perform: (?<action>[\w-]+:[\w*-]+)/
const DENIED_IDENTITY = /User: (?<who>\S+) is not authorized/
const DENIED_RESOURCE = /on resource: (?<resource>[^\s,]+)/
const EXPLICIT_DENY = /explicit deny in an? (?<policy>[\w -]+?)(?:\.|$)/

function accessDenied(error: unknown, message: string, where: string): UserError {
  const action = DENIED_ACTION.exec(message)?.groups?.action
  if (!action) {
    return new UserError('AccessDenied', `AWS denied the request${where}: ${message}`, {
      cause: error,
      hints: ['Check the IAM policy of the identity sling runs as ("aws sts get-caller-identity" shows it); --verbose shows the call that was denied.'],
    })
  }
  const who = DENIED_IDENTITY.exec(message)?.groups?.who ?? 'the identity sling runs as'
  const resource = DENIED_RESOURCE.exec(message)?.groups?.resource
  const on = resource ? ` on ${resource}` : ''
  const explicit = EXPLICIT_DENY.exec(message)?.groups?.policy
  const hint = explicit
    ? `An explicit deny in a ${explicit} blocks ${action}${on}: granting it won't help; ask whoever manages that policy.`
    : `Grant ${action}${on} to ${who} (an IAM policy statement allowing "${action}"), or use a profile that has it (--profile NAME).`
  return new UserError('AccessDenied', `AWS denied ${action}${where}.`, {cause: error, hints: [hint]})
}

const LAMBDA_ARN = /arn:aws[\w-]*:lambda:(?<region>[\w-]+):\d{12}:function:(?<name>[\w-]+)/

function functionInArn(message: string | undefined): string | undefined {
  return LAMBDA_ARN.exec(message ?? '')?.groups?.name
}

function regionInArn(message: string | undefined): string | undefined {
  return LAMBDA_ARN.exec(message ?? '')?.groups?.region
}

function functionNotFound(error: unknown, functionName: string, region: string | undefined): UserError {
  const where = region ? ` in ${region}` : ''
  return new UserError('FunctionNotFound', `Function "${functionName}" doesn't exist${where}.`, {
    cause: error,
    hints: [`If it is in another region, pass --region REGION (sling looked${where || ' in the default region'}); check --stage too, or create it with "sling deploy".`],
  })
}

function unreachable(error: unknown, code: string, context: AwsErrorContext): UserError {
  const {endpoint, region} = context
  const target = endpoint ?? `AWS${region ? ` in ${region}` : ''}`
  const hints = endpoint
    ? isLoopback(endpoint)
      ? [`Is "sling local serve" running at ${endpoint}? Start it, or pass --local to run the local cloud inside this command.`]
      : [`Is the endpoint running and reachable? It came from --endpoint-url or AWS_ENDPOINT_URL.`]
    : code === 'ENOTFOUND' && region
      ? [`Check the region name "${region}" (a mistyped region has no endpoint), and your network and proxy settings.`]
      : ['Check your network connection and proxy settings, then run the command again.']
  return new UserError('EndpointUnreachable', `Can't reach ${target} (${code}).`, {cause: error, hints})
}

function isLoopback(endpoint: string): boolean {
  try {
    return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(endpoint).hostname) || new URL(endpoint).hostname.endsWith('.localhost')
  } catch {
    return false
  }
}

/** The `name` of an SDK error (its exception class, e.g. "ResourceNotFoundException"), if it has one. */
export function errorName(error: unknown): string | undefined {
  const name = (error as {name?: unknown} | undefined)?.name
  return typeof name === 'string' ? name : undefined
}

/** The stack and the cause chain, for DEBUG. */
export function describeUnexpected(error: unknown): string {
  const lines: string[] = []
  let current: unknown = error
  while (current instanceof Error) {
    lines.push(current.stack ?? String(current))
    current = current.cause
    if (current) lines.push('Caused by:')
  }
  return lines.join('\n')
}

/**
 * Lambda's refusal of an environment over 4 KB quotes the whole environment ("String measured: {"KEY":"value"…}"),
 * secrets included: sling prints AWS's words but never those values.
 */
function withoutValues(message: string | undefined): string | undefined {
  return message?.replace(/String measured: [\s\S]*$/, 'String measured: (the environment; its values are not shown)')
}
