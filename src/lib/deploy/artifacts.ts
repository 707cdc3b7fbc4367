/**
 * Getting a zip to Lambda: in the request itself up to 50 MB, through S3 above that. The S3 bucket is the
 * config's, or one sling creates per account and region; keys are content-addressed, so an artifact already
 * uploaded is never uploaded again.
 */
import {readFile} from 'node:fs/promises'

import type {CallOptions} from '../aws/lambda.js'
import type {S3Api} from '../aws/s3.js'
import type {StsApi} from '../aws/sts.js'
import type {CodeSource} from '../aws/types.js'
import {formatBytes} from '../format.js'
import {LAMBDA_LIMITS} from '../lambda/rules.js'
import type {Output} from '../output.js'

/** A zip on disk and its CodeSha256 (base64, as Lambda reports it). */
export interface ZipArtifact {
  readonly file: string
  readonly codeSha256: string
  readonly size: number
}

export interface ArtifactStore {
  /**
   * Where Lambda takes `artifact` from: its bytes when small enough, else an S3 object (uploaded unless an
   * object with its SHA-256 is already there). `owner` names the S3 key: "sling/<owner>/<sha256 hex>.zip".
   */
  codeFor(artifact: ZipArtifact, owner: string, options?: CallOptions): Promise<Extract<CodeSource, {zipFile: Uint8Array} | {s3Bucket: string}>>
}

export interface ArtifactStoreOptions {
  /** The config's deployment.bucket; undefined: sling's own bucket for the account and region. */
  readonly bucket?: string | undefined
  readonly region: string
}

export interface ArtifactStoreDeps {
  readonly s3: S3Api
  readonly sts: StsApi
  readonly output: Output
}

/** The bucket sling creates when the config names none: predictable, so every deploy of the account and region finds it. */
export function defaultBucketName(account: string, region: string): string {
  return `sling-artifacts-${account}-${region}`
}

/** The S3 key of an artifact: content-addressed, so the same zip always lands on the same key. */
export function artifactKey(owner: string, codeSha256: string): string {
  return `sling/${owner}/${Buffer.from(codeSha256, 'base64').toString('hex')}.zip`
}

export function createArtifactStore(options: ArtifactStoreOptions, {s3, sts, output}: ArtifactStoreDeps): ArtifactStore {
  let bucket: Promise<string> | undefined
  /** The bucket, made ready once per deploy (HeadBucket; created private and encrypted when missing). */
  const readyBucket = (signal: AbortSignal | undefined): Promise<string> => {
    bucket ??= (async () => {
      const name = options.bucket ?? defaultBucketName((await sts.getCallerIdentity({signal})).account, options.region)
      if ((await s3.ensureBucket(name, {signal})) === 'created') {
        output.info(`Created the S3 bucket ${name} for large artifacts (private, encrypted).`)
        // No signal: a Ctrl-C during CreateBucket must not leave the new bucket unsecured, since the next deploy
        // finds it existing and never secures it. The three settings are quick; the interrupt stops what follows.
        await s3.secureBucket(name)
      }
      return name
    })()
    // A failed attempt (e.g. an interrupt) isn't cached: the next artifact tries again.
    bucket.catch(() => (bucket = undefined))
    return bucket
  }
  return {
    async codeFor(artifact, owner, {signal} = {}) {
      if (artifact.size <= LAMBDA_LIMITS.zippedDirectMax) return {zipFile: await readFile(artifact.file)}
      const name = await readyBucket(signal)
      const key = artifactKey(owner, artifact.codeSha256)
      const existing = await s3.headObject(name, key, {signal})
      if (existing?.size === artifact.size) {
        output.debug(`s3://${name}/${key} is already uploaded.`)
      } else {
        output.info(`Uploading ${formatBytes(artifact.size)} to s3://${name}/${key} (over the ${formatBytes(LAMBDA_LIMITS.zippedDirectMax)} Lambda takes in a request)…`)
        await s3.putArtifact(name, key, artifact.file, {signal, metadata: {sha256: artifact.codeSha256}})
      }
      return {s3Bucket: name, s3Key: key}
    },
  }
}
