/** TagResource, UntagResource, ListTags on functions (addressed by their unqualified ARN). */
import type {Handler, LambdaCall} from './call.js'
import {param} from './call.js'
import {parseFunctionRef} from './names.js'
import {invalidParameter, validationError} from './protocol.js'
import {changeFunction, loadFunction} from './repo.js'
import {MAX_TAGS, validateTags} from './validate.js'

/** The function a tagging ARN names; Lambda tags functions, not versions or aliases. */
function taggedFunction(call: LambdaCall): string {
  const resource = param(call, 'Resource')
  if (!/^arn:aws[a-zA-Z-]*:lambda:/.test(resource)) {
    throw validationError([`Value '${resource}' at 'resource' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*):lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:(function:[a-zA-Z0-9-_]+(:(\\$LATEST|[a-zA-Z0-9-_]+))?|code-signing-config:csc-[a-z0-9]{17}|event-source-mapping:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})`])
  }
  if (!resource.includes(':function:')) throw invalidParameter(`The sling local cloud tags functions only: ${resource}`)
  const ref = parseFunctionRef(call.scope, resource)
  if (ref.qualifier) throw invalidParameter('Tags are not supported on function versions or aliases; use the unqualified function ARN.')
  return ref.name
}

export const tagResource: Handler = async (call) => {
  const input = await call.json()
  const name = taggedFunction(call)
  if (input.Tags === undefined || input.Tags === null) throw validationError([`Value null at 'tags' failed to satisfy constraint: Member must not be null`])
  const tags = validateTags(input.Tags)
  await changeFunction(call.scope, name, (fn) => {
    const merged = {...fn.tags, ...tags}
    if (Object.keys(merged).length > MAX_TAGS) throw invalidParameter(`Number of tags exceeds resource tag limit of ${MAX_TAGS}.`)
    return {record: {...fn, tags: merged}, result: undefined}
  })
  return {status: 204}
}

export const untagResource: Handler = async (call) => {
  const name = taggedFunction(call)
  const keys = call.query.getAll('tagKeys')
  await changeFunction(call.scope, name, (fn) => {
    const tags = Object.fromEntries(Object.entries(fn.tags).filter(([key]) => !keys.includes(key)))
    return {record: {...fn, tags}, result: undefined}
  })
  return {status: 204}
}

export const listTags: Handler = async (call) => {
  const fn = await loadFunction(call.scope, taggedFunction(call))
  return {status: 200, body: {Tags: fn.tags}}
}
