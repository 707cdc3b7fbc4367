/**
 * IAM and STS facts that need no SDK client: `sling deploy` plans a role with them without loading
 * @aws-sdk/client-iam or client-sts (a no-op deploy never calls either).
 */

/** The trust policy of a Lambda execution role: the Lambda service may assume it. */
export const LAMBDA_TRUST_POLICY = {
  Version: '2012-10-17',
  Statement: [{Effect: 'Allow', Principal: {Service: 'lambda.amazonaws.com'}, Action: 'sts:AssumeRole'}],
} as const

/** The managed policy that lets a function write its logs, in the partition of `arn` (aws, aws-cn, aws-us-gov). */
export function basicExecutionPolicyArn(partition = 'aws'): string {
  return `arn:${partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`
}

/** The partition of an ARN ("aws", "aws-cn", "aws-us-gov"). */
export function partitionOf(arn: string): string {
  return arn.split(':')[1] || 'aws'
}
