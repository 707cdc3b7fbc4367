/**
 * Processes each object an S3 event notification reports. Keys arrive URL-encoded (a space is "+"), so they
 * are decoded before use; "folder" placeholder objects (keys ending in "/") are skipped.
 *
 * @param {import('aws-lambda').S3Event} event
 * @returns {Promise<{processed: string[], skipped: string[]}>}
 */
export async function handler(event) {
  const processed = []
  const skipped = []
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

/** @param {import('aws-lambda').S3EventRecord} record */
export function storedObject(record) {
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
 *
 * @param {{bucket: string, key: string, size: number}} object
 */
export async function processObject(object) {
  console.log(`New object s3://${object.bucket}/${object.key} (${object.size} bytes)`)
}
