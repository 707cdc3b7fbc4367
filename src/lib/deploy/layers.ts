/**
 * Layers declared under "layers": published when their content changed, so functions reference the newest
 * version with that content. ListLayerVersions lists no CodeSha256, so sling writes the zip's SHA-256 into the
 * description of each version it publishes: one ListLayerVersions (newest first, one item) then tells whether
 * the latest version has this content. A latest version without that mark (published by another tool) costs
 * one GetLayerVersion, which has the exact CodeSha256.
 */
import type {CallOptions} from '../aws/lambda.js'
import type {LambdaApi} from '../aws/lambda.js'
import type {LayerConfig} from '../config/load.js'
import {LAMBDA_LIMITS} from '../lambda/rules.js'
import type {Output} from '../output.js'
import type {ArtifactStore, ZipArtifact} from './artifacts.js'

export interface LayerPlan {
  readonly key: string
  readonly name: string
  readonly action: 'publish' | 'unchanged'
  readonly codeSha256: string
  /** The version functions will reference when unchanged; when published, known only afterwards. */
  readonly arn?: string | undefined
  /** The latest version before this deploy. */
  readonly latest?: {readonly arn: string; readonly version: number} | undefined
}

const MARK = 'sling-sha256:'

/** The version description: the config's, then the mark (which always fits: a description holds 256 characters). */
export function layerDescription(description: string | undefined, codeSha256: string): string {
  const mark = `${MARK}${codeSha256}`
  const room = LAMBDA_LIMITS.descriptionMax - mark.length - 1
  const text = (description ?? '').length > room ? `${(description ?? '').slice(0, room - 1)}…` : (description ?? '')
  return text ? `${text} ${mark}` : mark
}

/** The CodeSha256 sling recorded in a version description, if it did. */
export function markedSha256(description: string | undefined): string | undefined {
  const at = description?.lastIndexOf(MARK) ?? -1
  return at === -1 ? undefined : description?.slice(at + MARK.length).trim()
}

/** Reads the layer's latest version (one call, two for a version sling didn't publish) and says whether to publish. */
export async function planLayer(layer: LayerConfig, artifact: ZipArtifact, {lambda}: {readonly lambda: LambdaApi}, options: CallOptions = {}): Promise<LayerPlan> {
  const base = {key: layer.key, name: layer.name, codeSha256: artifact.codeSha256}
  const latest = await lambda.latestLayerVersion(layer.name, options)
  if (!latest) return {...base, action: 'publish'}
  const sha = markedSha256(latest.description) ?? (await lambda.getLayerVersion(layer.name, latest.version, options))?.codeSha256
  const previous = {arn: latest.arn, version: latest.version}
  return sha === artifact.codeSha256 ? {...base, action: 'unchanged', arn: latest.arn, latest: previous} : {...base, action: 'publish', latest: previous}
}

/** What a function's layers show in a plan for a layer that is still to be published. */
export function pendingLayerArn(plan: LayerPlan): string {
  return `(new version of layer ${plan.name})`
}

/** Publishes the layer's zip (through S3 when large) and returns the new version's ARN. */
export async function publishLayer(layer: LayerConfig, artifact: ZipArtifact, deps: {readonly lambda: LambdaApi; readonly artifacts: ArtifactStore; readonly output: Output}, options: CallOptions = {}): Promise<string> {
  const content = await deps.artifacts.codeFor(artifact, `layers/${layer.name}`, options)
  options.signal?.throwIfAborted()
  // No signal on the write itself: once started, it finishes (an interrupt stops what comes after).
  const published = await deps.lambda.publishLayerVersion({
    name: layer.name, content, description: layerDescription(layer.description, artifact.codeSha256),
    compatibleRuntimes: layer.compatibleRuntimes.length > 0 ? layer.compatibleRuntimes : undefined,
    compatibleArchitectures: layer.compatibleArchitectures.length > 0 ? layer.compatibleArchitectures : undefined,
  })
  deps.output.info(`Layer ${layer.key}: published version ${published.version}.`)
  return published.arn
}
