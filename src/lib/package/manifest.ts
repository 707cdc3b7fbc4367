import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {writeAtomic} from '../fs.js'

export const MANIFEST_FILE = 'manifest.json'
export const MANIFEST_VERSION = 1

/** What deploy needs to know about a built artifact without opening it. */
export interface ManifestArtifact {
  /** The zip, relative to the manifest's directory. */
  readonly artifact: string
  /** SHA-256 of the zip, base64, as Lambda reports CodeSha256. */
  readonly codeSha256: string
  readonly zippedSize: number
  readonly unzippedSize: number
}

export interface ManifestFunction extends ManifestArtifact {
  readonly key: string
  readonly name: string
  /** The Lambda handler string, e.g. "index.handler". */
  readonly handler: string
  readonly runtime: string
  readonly architecture: string
  /** Layer keys (built by sling) and layer version ARNs, in order. */
  readonly layers: readonly string[]
}

export interface ManifestLayer extends ManifestArtifact {
  readonly key: string
  readonly name: string
  readonly compatibleRuntimes: readonly string[]
  readonly compatibleArchitectures: readonly string[]
}

/** `.sling/build/manifest.json`: one entry per function and layer key, kept across partial builds. */
export interface BuildManifest {
  readonly version: typeof MANIFEST_VERSION
  readonly functions: Record<string, ManifestFunction>
  readonly layers: Record<string, ManifestLayer>
}

export async function readManifest(outDir: string): Promise<BuildManifest> {
  try {
    const parsed = JSON.parse(await readFile(path.join(outDir, MANIFEST_FILE), 'utf8')) as Partial<BuildManifest>
    if (parsed.version === MANIFEST_VERSION) return {version: MANIFEST_VERSION, functions: parsed.functions ?? {}, layers: parsed.layers ?? {}}
  } catch {
    // missing or unreadable: start afresh, the artifacts are rebuilt anyway
  }
  return {version: MANIFEST_VERSION, functions: {}, layers: {}}
}

export interface ManifestUpdate {
  /** A key set to undefined is removed (its build failed: deploy mustn't pick up stale code). */
  readonly functions?: Readonly<Record<string, ManifestFunction | undefined>>
  readonly layers?: Readonly<Record<string, ManifestLayer | undefined>>
}

/** `current` with `update` applied, keys sorted (so the file is stable across runs). */
export function mergeManifest(current: BuildManifest, update: ManifestUpdate): BuildManifest {
  const merge = <T>(base: Record<string, T>, changes: Readonly<Record<string, T | undefined>> = {}): Record<string, T> => {
    const next = {...base}
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined) delete next[key]
      else next[key] = value
    }
    return Object.fromEntries(Object.entries(next).sort(([a], [b]) => (a < b ? -1 : 1)))
  }
  return {version: MANIFEST_VERSION, functions: merge(current.functions, update.functions), layers: merge(current.layers, update.layers)}
}

/** Writes the manifest through a temporary file and a rename: readers see the old one or the new one, never a mix. */
export async function writeManifest(outDir: string, manifest: BuildManifest): Promise<string> {
  const file = path.join(outDir, MANIFEST_FILE)
  await writeAtomic(file, `${JSON.stringify(manifest, null, 2)}\n`)
  return file
}

/** The artifact files (relative to the manifest's directory) that `manifest` refers to. */
export function referencedArtifacts(manifest: BuildManifest): Set<string> {
  return new Set([...Object.values(manifest.functions), ...Object.values(manifest.layers)].map((entry) => entry.artifact))
}
