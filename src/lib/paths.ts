import path from 'node:path'

/** A path as the user would type it: relative to the working directory when inside it. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file)
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file
}

/** A relative path with "/" separators (zip entries, manifests, esbuild's metafile keys), whatever the platform. */
export function toPosix(file: string): string {
  return file.split(path.sep).join('/')
}
