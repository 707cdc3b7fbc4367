import {randomBytes} from 'node:crypto'
import {mkdir, rename, rm, writeFile} from 'node:fs/promises'
import path from 'node:path'

/**
 * Writes through a temporary file and a rename, so readers see the old or the new content, never a mix.
 * The temporary file's name doesn't grow with the target's, so any name that fits the file system can
 * be written; `tempDir` (on the same file system) keeps them in one place to clean after a crash.
 */
export async function writeAtomic(file: string, content: string | Buffer, tempDir?: string): Promise<void> {
  await mkdir(path.dirname(file), {recursive: true})
  if (tempDir) await mkdir(tempDir, {recursive: true})
  const temp = path.join(tempDir ?? path.dirname(file), tempName())
  try {
    await writeFile(temp, content)
    await rename(temp, file)
  } catch (error) {
    await rm(temp, {force: true})
    throw error
  }
}

/** `<pid>-<random>.tmp`: the pid tells a clean-up whether the writer may still be at work. */
export function tempName(): string {
  return `.${process.pid}-${randomBytes(6).toString('hex')}.tmp`
}
