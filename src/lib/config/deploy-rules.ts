/** Rules across a function's deploy settings that one field's schema can't say: image vs zip, and aliases. */
import {ExitCode, UserError} from '../errors.js'
import {displayPath} from '../paths.js'
import type {FunctionOverride} from './schema.js'

type Field = keyof FunctionOverride

/**
 * Settings of a zip function that a container image function can't have: Lambda refuses Runtime, Handler and
 * Layers with PackageType Image, and sling neither bundles nor zips an image.
 */
export const ZIP_ONLY_FIELDS: readonly Field[] = ['entry', 'handler', 'runtime', 'layers', 'bundle', 'source', 'minify', 'sourcemap', 'format', 'external', 'bundleAwsSdk', 'include', 'exclude']

/**
 * Checks the deploy settings of function `key` and returns the fields the config sets for it. `written.all`
 * are the fields any level writes, `written.own` those the function itself (or its stage override) writes: a
 * zip-only setting from `defaults` doesn't make an image function invalid, it just doesn't apply to it.
 */
export function checkDeploySettings(key: string, fn: FunctionOverride, written: {readonly all: readonly Field[]; readonly own: readonly Field[]}, file: string): Field[] {
  const where = `${displayPath(file)}: functions.${key}`
  const invalid = (message: string, hint: string): UserError => new UserError('ConfigInvalid', `${where}${message}`, {exitCode: ExitCode.Usage, hints: [hint]})
  if (fn.image !== undefined) {
    const zipOnly = written.own.filter((field) => ZIP_ONLY_FIELDS.includes(field))
    if (zipOnly.length > 0) {
      throw invalid(` sets "image" and ${zipOnly.map((f) => `"${f}"`).join(', ')}, which only apply to zip functions (an image brings its own runtime, handler and dependencies).`, 'Remove them, or remove "image" to build a zip from "entry".')
    }
  } else if (fn.imageConfig !== undefined) {
    throw invalid('.imageConfig applies only to container image functions, and this one has no "image".', 'Add "image" (an Amazon ECR image URI), or remove "imageConfig".')
  }
  if (fn.provisionedConcurrency !== undefined && (fn.provisionedConcurrency.alias ?? fn.alias) === undefined) {
    throw invalid('.provisionedConcurrency needs an alias: Lambda provisions concurrency on a version or alias, never on $LATEST.', 'Set "alias" on the function (deploy then publishes a version and points the alias at it), or "provisionedConcurrency.alias".')
  }
  return fn.image === undefined ? [...written.all] : written.all.filter((field) => !ZIP_ONLY_FIELDS.includes(field))
}

/** `fn` without the zip-only settings (from `defaults`), for an image function. */
export function withoutZipFields(fn: FunctionOverride): FunctionOverride {
  return Object.fromEntries(Object.entries(fn).filter(([field]) => !ZIP_ONLY_FIELDS.includes(field as Field)))
}
