/**
 * Container-image functions (PackageType Image): stored and configured as Lambda keeps them, with a
 * stable fake digest for the image (the local cloud has no ECR to resolve a tag against), but never
 * run: the local runtime runs Node.js zip packages only, and Invoke says so.
 */
import {createHash} from 'node:crypto'

import type {FunctionConfiguration, ImageConfig} from '@aws-sdk/client-lambda'

import type {StoredCode} from './code.js'
import {invalidParameter, validationError} from './protocol.js'
import type {VersionRecord} from './records.js'
import {isObject} from './validate.js'

/** The image a version runs: as given, and pinned to its digest. */
export interface ImageRef {
  readonly uri: string
  /** `<registry>/<repository>@sha256:<digest>`. */
  readonly resolvedUri: string
}

/** An image in Amazon ECR: `<account>.dkr.ecr.<region>.amazonaws.com[.cn]/<repository>[:tag | @sha256:digest]`. */
const ECR_URI = /^(\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?\/[a-z0-9](?:[a-z0-9._/-]*[a-z0-9])?)(?::([\w][\w.-]{0,127})|@sha256:([a-f0-9]{64}))?$/

/** What Invoke answers for an image function (InvalidParameterValueException; the README says why that error). */
export const IMAGE_NOT_RUN = "sling's local cloud doesn't run container images (this function's PackageType is Image); deploy it to AWS, or use a zip function locally."

/**
 * The image `uri` names, with its digest: the one the URI pins, else one derived from the URI (stable,
 * so the same tag always resolves the same here). CodeSha256 is the digest in hex and CodeSize 0, as
 * Lambda reports image functions.
 */
export function acceptImage(uri: unknown): {image: ImageRef; code: StoredCode} {
  const match = typeof uri === 'string' ? ECR_URI.exec(uri) : null
  if (!match || typeof uri !== 'string') throw invalidParameter(`Source image ${String(uri)} is not valid. Provide a valid source image.`)
  const digest = match[3] ?? createHash('sha256').update(uri).digest('hex')
  return {
    image: {uri, resolvedUri: `${match[1] ?? ''}@sha256:${digest}`},
    // No blob: the hex digest stands where a zip's SHA-256 would (blobsOf in repo.ts skips image versions).
    code: {sha256: digest, sha256Base64: digest, size: 0, unzippedSize: 0},
  }
}

/** The package type CreateFunction asks for (Zip unless said), checked against what it sends with it. */
export function packageTypeOf(input: Record<string, unknown>): 'Zip' | 'Image' {
  const type = input.PackageType ?? 'Zip'
  if (type !== 'Zip' && type !== 'Image') throw validationError([`Value '${typeof type === 'string' ? type : JSON.stringify(type)}' at 'packageType' failed to satisfy constraint: Member must satisfy enum value set: [Zip, Image]`])
  const code = isObject(input.Code) ? input.Code : {}
  if (type === 'Image') {
    if (code.ImageUri === undefined) throw invalidParameter('Please provide a source for function code.')
    if (code.ZipFile !== undefined || code.S3Bucket !== undefined || code.S3Key !== undefined) throw invalidParameter('Please provide only ImageUri as the code source for a function with package type Image.')
    checkImageSettings(input)
  } else if (code.ImageUri !== undefined || input.ImageConfig !== undefined) {
    throw invalidParameter('ImageUri and ImageConfig are only supported for functions with package type Image.')
  }
  return type
}

/** Settings a zip function has and an image function can't: the image brings its runtime, handler and layers. */
export function checkImageSettings(input: Record<string, unknown>): void {
  const zipOnly = ['Runtime', 'Handler', 'Layers'].filter((key) => input[key] !== undefined && input[key] !== null)
  if (zipOnly.length > 0) throw invalidParameter(`Please don't provide ${zipOnly.join(', ')} for a function with package type Image: the image sets them.`)
}

/** ImageConfig as the configuration reports it (`ImageConfigResponse.ImageConfig`), from a request's ImageConfig. */
export function imageConfigResponse(value: unknown): FunctionConfiguration['ImageConfigResponse'] | undefined {
  if (!isObject(value)) return undefined
  const config: ImageConfig = {}
  if (Array.isArray(value.EntryPoint) && value.EntryPoint.length > 0) config.EntryPoint = value.EntryPoint as string[]
  if (Array.isArray(value.Command) && value.Command.length > 0) config.Command = value.Command as string[]
  if (typeof value.WorkingDirectory === 'string' && value.WorkingDirectory !== '') config.WorkingDirectory = value.WorkingDirectory
  return {ImageConfig: config}
}

/** GetFunction's Code for an image function. */
export function imageCodeLocation(version: VersionRecord & {image: ImageRef}): {RepositoryType: string; ImageUri: string; ResolvedImageUri: string} {
  return {RepositoryType: 'ECR', ImageUri: version.image.uri, ResolvedImageUri: version.image.resolvedUri}
}
