/**
 * The bucket settings a deploy's artifacts bucket needs, as S3 keeps them: public access block,
 * object ownership, default encryption and tags (Put/Get/Delete on `?publicAccessBlock`,
 * `?ownershipControls`, `?encryption`, `?tagging`). A new bucket has S3's defaults since April 2023:
 * every public access blocked, BucketOwnerEnforced, and SSE-S3 (AES256).
 */
import type {S3Call} from './call.js'
import type {BucketDoc, EncryptionRule, ObjectDoc, PublicAccessBlock} from './objects.js'
import {BUCKETS, getBucket} from './objects.js'
import {noSuchBucket, readXml, S3Error, sendEmpty, sendXml} from './xml.js'

const DEFAULT_PUBLIC_ACCESS_BLOCK: PublicAccessBlock = {BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}
export const DEFAULT_OWNERSHIP = 'BucketOwnerEnforced'
export const DEFAULT_ENCRYPTION: EncryptionRule = {SSEAlgorithm: 'AES256', BucketKeyEnabled: false}
const OWNERSHIPS = ['BucketOwnerPreferred', 'ObjectWriter', 'BucketOwnerEnforced']
const SSE_ALGORITHMS = ['AES256', 'aws:kms', 'aws:kms:dsse']
const MAX_TAGS = 50

const malformed = (): S3Error => new S3Error(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema')

/** The object ownership a CreateBucket asks for (x-amz-object-ownership), checked against the model's enum. */
export function requestedOwnership(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined
  const text = Array.isArray(value) ? (value[0] ?? '') : value
  if (!OWNERSHIPS.includes(text)) throw new S3Error(400, 'InvalidArgument', `Invalid x-amz-object-ownership header: ${text}`, {ArgumentName: 'x-amz-object-ownership', ArgumentValue: text})
  return text
}

async function requireBucket(call: S3Call): Promise<BucketDoc> {
  const bucket = await getBucket(call.context.store, call.bucket)
  if (!bucket) throw noSuchBucket(call.bucket)
  return bucket
}

/** Read-modify-write of the bucket document under the store lock. */
async function changeBucket(call: S3Call, change: (bucket: BucketDoc) => BucketDoc): Promise<void> {
  const {store} = call.context
  await store.transaction(async () => {
    const bucket = await getBucket(store, call.bucket)
    if (!bucket) throw noSuchBucket(call.bucket)
    await store.put(BUCKETS, call.bucket, change(bucket))
  })
}

const asList = (value: unknown): unknown[] => (value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value])
const record = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {})

/** An XML element's text (the parser reads "12" as a number); anything else isn't what the schema allows. */
function text(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value)
  throw malformed()
}

/** An XML boolean as S3 reads one: "true" or "false" (a missing setting is false). */
function setting(value: unknown): boolean {
  if (value === undefined || value === false || value === 'false') return false
  if (value === true || value === 'true') return true
  throw malformed()
}

// --- public access block -------------------------------------------------------------------------------

export async function putPublicAccessBlock(call: S3Call): Promise<void> {
  const body = record((await readXml(call.request)).PublicAccessBlockConfiguration)
  const block: PublicAccessBlock = {
    BlockPublicAcls: setting(body.BlockPublicAcls),
    IgnorePublicAcls: setting(body.IgnorePublicAcls),
    BlockPublicPolicy: setting(body.BlockPublicPolicy),
    RestrictPublicBuckets: setting(body.RestrictPublicBuckets),
  }
  await changeBucket(call, (bucket) => ({...bucket, publicAccessBlock: block}))
  sendEmpty(call.response, 200)
}

export async function getPublicAccessBlock(call: S3Call): Promise<void> {
  const bucket = await requireBucket(call)
  const block = bucket.publicAccessBlock === undefined ? DEFAULT_PUBLIC_ACCESS_BLOCK : bucket.publicAccessBlock
  if (block === null) throw new S3Error(404, 'NoSuchPublicAccessBlockConfiguration', 'The public access block configuration was not found', {BucketName: call.bucket})
  sendXml(call.response, 200, 'PublicAccessBlockConfiguration', {...block})
}

export async function deletePublicAccessBlock(call: S3Call): Promise<void> {
  await changeBucket(call, (bucket) => ({...bucket, publicAccessBlock: null}))
  sendEmpty(call.response, 204)
}

// --- ownership controls --------------------------------------------------------------------------------

export async function putBucketOwnershipControls(call: S3Call): Promise<void> {
  const rules = asList(record((await readXml(call.request)).OwnershipControls).Rule)
  // Exactly one rule, naming one of the model's values.
  const ownership = rules.length === 1 ? record(rules[0]).ObjectOwnership : undefined
  if (typeof ownership !== 'string' || !OWNERSHIPS.includes(ownership)) throw malformed()
  await changeBucket(call, (bucket) => ({...bucket, objectOwnership: ownership}))
  sendEmpty(call.response, 200)
}

export async function getBucketOwnershipControls(call: S3Call): Promise<void> {
  const bucket = await requireBucket(call)
  const ownership = bucket.objectOwnership === undefined ? DEFAULT_OWNERSHIP : bucket.objectOwnership
  if (ownership === null) throw new S3Error(404, 'OwnershipControlsNotFoundError', 'The bucket ownership controls were not found', {BucketName: call.bucket})
  sendXml(call.response, 200, 'OwnershipControls', {Rule: [{ObjectOwnership: ownership}]})
}

export async function deleteBucketOwnershipControls(call: S3Call): Promise<void> {
  await changeBucket(call, (bucket) => ({...bucket, objectOwnership: null}))
  sendEmpty(call.response, 204)
}

// --- default encryption --------------------------------------------------------------------------------

export async function putBucketEncryption(call: S3Call): Promise<void> {
  const rules = asList(record((await readXml(call.request)).ServerSideEncryptionConfiguration).Rule)
  if (rules.length !== 1) throw malformed()
  const rule = record(rules[0])
  const byDefault = record(rule.ApplyServerSideEncryptionByDefault)
  const algorithm = byDefault.SSEAlgorithm
  if (typeof algorithm !== 'string' || !SSE_ALGORITHMS.includes(algorithm)) throw malformed()
  const keyId = byDefault.KMSMasterKeyID
  if (keyId !== undefined && algorithm === 'AES256') {
    throw new S3Error(400, 'InvalidArgument', 'a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse', {ArgumentName: 'ApplyServerSideEncryptionByDefault'})
  }
  const encryption: EncryptionRule = {SSEAlgorithm: algorithm, ...(typeof keyId === 'string' && keyId ? {KMSMasterKeyID: keyId} : {}), BucketKeyEnabled: setting(rule.BucketKeyEnabled)}
  await changeBucket(call, (bucket) => ({...bucket, encryption}))
  sendEmpty(call.response, 200)
}

/** A bucket's default encryption: SSE-S3 unless set (deleting it goes back to SSE-S3, as on S3). */
export function encryptionOf(bucket: BucketDoc): EncryptionRule {
  return bucket.encryption ?? DEFAULT_ENCRYPTION
}

export async function getBucketEncryption(call: S3Call): Promise<void> {
  const {SSEAlgorithm, KMSMasterKeyID, BucketKeyEnabled} = encryptionOf(await requireBucket(call))
  const byDefault = {SSEAlgorithm, ...(KMSMasterKeyID ? {KMSMasterKeyID} : {})}
  sendXml(call.response, 200, 'ServerSideEncryptionConfiguration', {Rule: [{ApplyServerSideEncryptionByDefault: byDefault, BucketKeyEnabled}]})
}

export async function deleteBucketEncryption(call: S3Call): Promise<void> {
  await changeBucket(call, (bucket) => {
    const next = {...bucket}
    delete (next as {encryption?: EncryptionRule}).encryption
    return next
  })
  sendEmpty(call.response, 204)
}

// --- tags ----------------------------------------------------------------------------------------------

const invalidTag = (message: string): S3Error => new S3Error(400, 'InvalidTag', message)

export async function putBucketTagging(call: S3Call): Promise<void> {
  const tagSet = record((await readXml(call.request)).Tagging).TagSet
  if (tagSet === undefined) throw malformed()
  const tags = asList(record(tagSet).Tag).map((tag) => {
    const {Key, Value} = record(tag)
    return {Key: text(Key), Value: text(Value)}
  })
  if (tags.length > MAX_TAGS) throw invalidTag(`Object tags cannot be greater than ${MAX_TAGS}`)
  if (new Set(tags.map((tag) => tag.Key)).size !== tags.length) throw invalidTag('Cannot provide multiple Tags with the same key')
  for (const {Key, Value} of tags) {
    if (Key.length < 1 || Key.length > 128) throw invalidTag('The TagKey you have provided is invalid')
    if (Value.length > 256) throw invalidTag('The TagValue you have provided is invalid')
    if (Key.toLowerCase().startsWith('aws:')) throw invalidTag('System tags cannot be added/updated by requester')
  }
  await changeBucket(call, (bucket) => ({...bucket, tags}))
  // The model declares 200 (S3's documentation shows 204; every SDK accepts either).
  sendEmpty(call.response, 200)
}

export async function getBucketTagging(call: S3Call): Promise<void> {
  const bucket = await requireBucket(call)
  if (!bucket.tags?.length) throw new S3Error(404, 'NoSuchTagSet', 'The TagSet does not exist', {BucketName: call.bucket})
  sendXml(call.response, 200, 'Tagging', {TagSet: {Tag: bucket.tags}})
}

export async function deleteBucketTagging(call: S3Call): Promise<void> {
  await changeBucket(call, (bucket) => {
    const next = {...bucket}
    delete (next as {tags?: unknown}).tags
    return next
  })
  sendEmpty(call.response, 204)
}

// --- object encryption ---------------------------------------------------------------------------------

type ObjectEncryption = NonNullable<ObjectDoc['encryption']>

/** How S3 encrypts an object being written: as the request asks (x-amz-server-side-encryption), else the bucket's default. */
export function objectEncryption(call: S3Call, bucket: BucketDoc): ObjectEncryption {
  const header = (name: string): string | undefined => {
    const value = call.request.headers[name]
    return Array.isArray(value) ? value[0] : value
  }
  const asked = header('x-amz-server-side-encryption')
  if (asked !== undefined) {
    if (!SSE_ALGORITHMS.includes(asked)) {
      throw new S3Error(400, 'InvalidArgument', 'The encryption method specified is not supported', {ArgumentName: 'x-amz-server-side-encryption', ArgumentValue: asked})
    }
    const keyId = header('x-amz-server-side-encryption-aws-kms-key-id')
    return {algorithm: asked, ...(keyId && asked !== 'AES256' ? {kmsKeyId: keyId} : {})}
  }
  const {SSEAlgorithm, KMSMasterKeyID} = encryptionOf(bucket)
  return {algorithm: SSEAlgorithm, ...(KMSMasterKeyID ? {kmsKeyId: KMSMasterKeyID} : {})}
}

/** The x-amz-server-side-encryption headers S3 answers a PutObject, GetObject or HeadObject with. */
export function encryptionHeaders(encryption: ObjectDoc['encryption']): Record<string, string> {
  const {algorithm, kmsKeyId} = encryption ?? {algorithm: 'AES256'}
  return {'x-amz-server-side-encryption': algorithm, ...(kmsKeyId ? {'x-amz-server-side-encryption-aws-kms-key-id': kmsKeyId} : {})}
}
