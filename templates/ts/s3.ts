import type {S3Event, S3EventRecord} from 'aws-lambda'

/** The object an S3 event notification is about. */
export interface StoredObject {
  readonly bucket: string
  readonly key: string
  readonly size: number
}

/**
 * Processes each object an S3 event notification reports. Keys arrive URL-encoded (a space is "+"), so they
 * are decoded before use; "folder" placeholder objects (keys ending in "/") are skipped.
 */
export async function handler(event: S3Event): Promise<{processed: string[]; skipped: string[]}> {
  const processed: string[] = []
  const skipped: string[] = []
  for (const record of event.Records) {
    const object = storedObject(record)
    if (object.key.endsWith('/')) {
      skipped.push(object.key)
      continue
    }
    await processObject(object)
    processed.push(object.key)
  }
  return {processed, skipped}
}

export function storedObject(record: S3EventRecord): StoredObject {
  return {
    bucket: record.s3.bucket.name,
    key: decodeURIComponent(record.s3.object.key.replace(/\+/g, ' ')),
    size: record.s3.object.size,
  }
}

/**
 * Your work on one object. To read it, use the AWS SDK the Node.js runtime provides:
 *   const {S3Client, GetObjectCommand} = await import('@aws-sdk/client-s3')
 *   const body = await new S3Client({}).send(new GetObjectCommand({Bucket: object.bucket, Key: object.key}))
 * and give the function's role s3:GetObject on the bucket.
 */
export async function processObject(object: StoredObject): Promise<void> {
  console.log(`New object s3://${object.bucket}/${object.key} (${object.size} bytes)`)
}
