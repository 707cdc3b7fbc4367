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

const NO_CREDENTIALS = ['CredentialsProviderError', 'ExpiredTokenException', 'ExpiredToken', 'TokenRefreshRequired']
const ACCESS_DENIED = ['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation', 'UnrecognizedClientException', 'InvalidSignatureException']
const CONNECTION = ['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'TimeoutError']

/**
 * Turns an SDK or network error into a UserError that says what happened and what to do.
 * Known errors are recognised by name or code, never by message text; anything else stays "Unexpected".
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
  if (NO_CREDENTIALS.includes(name)) {
    return new UserError('NoCredentials', name.startsWith('Expired') ? 'Your AWS credentials have expired.' : "sling couldn't find AWS credentials.", {
      cause: error,
      hints: [
        'Run "aws configure" (or "aws sso login --profile NAME" for SSO) and pass --profile NAME, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.',
        'No account? Add --local to use the embedded local cloud.',
      ],
    })
  }
  if (name === 'Error' && /Region is missing/.test(e.message ?? '')) {
    return new UserError('NoRegion', 'No AWS region is configured.', {cause: error, exitCode: ExitCode.Usage, hints: ['Pass --region REGION, export AWS_REGION, or set "region" in sling.config.json.']})
  }
  if (ACCESS_DENIED.includes(name)) {
    const action = /perform: ([\w-]+:[\w-]+)/.exec(e.message ?? '')?.[1]
    return new UserError('AccessDenied', action ? `AWS denied ${action}${where}.` : `AWS denied the request${where}: ${e.message ?? name}`, {
      cause: error,
      hints: [action ? `Grant ${action} to the identity sling runs as (check with "aws sts get-caller-identity").` : 'Check the IAM policy of the identity sling runs as.'],
    })
  }
  if (name === 'ResourceNotFoundException' && context.functionName) {
    return new UserError('FunctionNotFound', `Function "${context.functionName}" doesn't exist${where}.`, {
      cause: error,
      hints: ['Check --region / AWS_REGION and --stage, or create it with "sling deploy".'],
    })
  }
  if (name === 'TooManyRequestsException' || name === 'ThrottlingException' || name === 'SlowDown') {
    return new UserError('Throttled', `AWS kept throttling requests${where}, even after retries.`, {cause: error, hints: ['Wait a moment and run the command again; it is safe to repeat.']})
  }
  const code = e.code ?? name
  if (CONNECTION.includes(code)) {
    return new UserError('EndpointUnreachable', `Can't reach ${context.endpoint ?? 'AWS'} (${code}).`, {
      cause: error,
      hints: context.endpoint ? ['Is the endpoint running? For the local cloud, run "sling local serve" or pass --local.'] : ['Check your network connection and proxy settings.'],
    })
  }
  if (e.$metadata && name) {
    // A modelled AWS error we have no special advice for: AWS's own words are the best we have.
    return new UserError(name, `${name}: ${e.message ?? 'AWS refused the request'}${where}`, {cause: error})
  }
  return new UserError('Unexpected', `Unexpected error: ${error instanceof Error ? error.message : String(error)}`, {
    cause: error,
    hints: ['Set DEBUG=1 to print the stack, and report it with the command you ran.'],
  })
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
