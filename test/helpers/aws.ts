import archiver from 'archiver'

/** A zip of `files` (name → content), built in memory. */
export async function zipOf(files: Record<string, string | Buffer>, options: {store?: boolean} = {}): Promise<Buffer> {
  const archive = archiver('zip', {zlib: {level: 9}, store: options.store ?? false})
  const chunks: Buffer[] = []
  archive.on('data', (chunk: Buffer) => chunks.push(chunk))
  const done = new Promise<void>((resolve, reject) => {
    archive.on('end', () => resolve())
    archive.on('error', reject)
  })
  for (const [name, content] of Object.entries(files)) archive.append(content, {name, mode: 0o644, date: new Date('2020-01-01T00:00:00Z')})
  await archive.finalize()
  await done
  return Buffer.concat(chunks)
}

/** An error thrown by an AWS SDK client. */
export type SdkError = Error & {$metadata?: {httpStatusCode?: number}; [key: string]: unknown}

/** What `promise` rejected with (fails when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise
  } catch (error) {
    return error as SdkError
  }
  throw new Error('expected the call to fail, but it succeeded')
}
