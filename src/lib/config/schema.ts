import {z} from 'zod'

import type {Runtime as LambdaRuntime} from '../lambda/rules.js'
import {DeployFunctionFields, DeploymentSchema} from './deploy-fields.js'
import {EventFunctionFields} from './event-fields.js'
import {RolloutFunctionFields} from './rollout-fields.js'
import {
  runtimeStatus,
  ARCHITECTURES,
  ENV_KEY_PATTERN,
  FUNCTION_NAME_PATTERN,
  LAMBDA_DEFAULTS,
  LAMBDA_LIMITS,
  LAYER_NAME_PATTERN,
  LAYER_VERSION_ARN_PATTERN,
  ROLE_ARN_PATTERN,
  RUNTIMES,
  RUNTIMES_CHECKED_ON,
  UNRESERVED_ENV_KEY_PATTERN,
} from '../lambda/rules.js'

/** sling's default runtime: the newest generally available Node.js runtime. */
export const DEFAULT_RUNTIME = 'nodejs24.x' satisfies LambdaRuntime

/**
 * The runtimes a function may name: those Lambda still creates or updates functions with (see
 * lambda/runtimes.ts), the default first. A runtime Lambda only updates with (python3.10 today) stays valid so
 * an existing function can still be deployed; creating a new function with it is refused at deploy, before any
 * call. Judged on the day the runtime table was checked, not today, so that the shipped JSON Schema and a
 * config's validity don't change with the clock. Layers may name any runtime of Lambda's API.
 */
export const CONFIG_RUNTIMES = [DEFAULT_RUNTIME, ...RUNTIMES.filter((r) => r !== DEFAULT_RUNTIME && runtimeStatus(r, RUNTIMES_CHECKED_ON) !== 'blocked')] as [
  LambdaRuntime,
  ...LambdaRuntime[],
]
export type Runtime = LambdaRuntime

const NAME_RULE = 'letters, digits, hyphens and underscores only'
const LAYER_REF_RULE = 'a layer version ARN (arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION) or a layer key'
const ENV_KEY_RULE = 'a letter followed by letters, digits or underscores'
const RESERVED_RULE = "a name Lambda doesn't reserve (Lambda sets AWS_REGION, AWS_LAMBDA_*, _HANDLER and the rest itself, and refuses to deploy a function that sets them)"

const Globs = z.array(z.string().min(1)).describe('Glob patterns, relative to the config file.')
const EnvKey = z.string().regex(ENV_KEY_PATTERN, ENV_KEY_RULE).regex(UNRESERVED_ENV_KEY_PATTERN, RESERVED_RULE)

/**
 * A function's settings with sling's and Lambda's defaults. The single source: the resolved function type is
 * inferred from it, and the layers a user writes (a function, `defaults`, a stage) are these without defaults.
 */
const FunctionFields = {
  name: z
    .string()
    .regex(FUNCTION_NAME_PATTERN, NAME_RULE)
    .max(LAMBDA_LIMITS.functionNameMax)
    .describe('The deployed function name. Default: "<service>-<key>", or "<service>-<stage>-<key>" with --stage.'),
  entry: z.string().min(1).optional().describe('The handler source file (.ts, .js, .mjs, .cjs), relative to the config file.'),
  handler: z.string().regex(/^[A-Za-z_$][\w$]*$/, 'a JavaScript export name').describe('The exported handler function.').default('handler'),
  runtime: z.enum(CONFIG_RUNTIMES).describe('The Lambda runtime.').default(DEFAULT_RUNTIME),
  memorySize: z.number().int().min(LAMBDA_LIMITS.memoryMin).max(LAMBDA_LIMITS.memoryMax).describe('Memory in MB.').default(LAMBDA_DEFAULTS.memorySize),
  timeout: z.number().int().min(LAMBDA_LIMITS.timeoutMin).max(LAMBDA_LIMITS.timeoutMax).describe('Timeout in seconds.').default(LAMBDA_DEFAULTS.timeout),
  environment: z.record(EnvKey, z.string()).describe('Environment variables (at most 4 KB in total).').default({}),
  role: z.string().regex(ROLE_ARN_PATTERN, 'an IAM role ARN such as arn:aws:iam::123456789012:role/my-role').optional().describe('The execution role ARN.'),
  architecture: z.enum(ARCHITECTURES).describe('The instruction set.').default(LAMBDA_DEFAULTS.architecture),
  layers: z
    .array(z.union([z.string().regex(LAYER_VERSION_ARN_PATTERN), z.string().regex(LAYER_NAME_PATTERN)], {error: LAYER_REF_RULE}))
    .max(LAMBDA_LIMITS.layersMax)
    .describe('Layer version ARNs, or keys of layers declared under "layers" (at most 5).')
    .default([]),
  description: z.string().max(LAMBDA_LIMITS.descriptionMax).optional(),
  tags: z.record(z.string().min(1).max(LAMBDA_LIMITS.tagKeyMax), z.string().max(LAMBDA_LIMITS.tagValueMax)).default({}),
  bundle: z.boolean().describe('Bundle with esbuild, or zip `source` as is when false.').default(true),
  source: z.string().min(1).describe('With bundle: false, the directory to zip, relative to the config file.').default('.'),
  minify: z.boolean().describe('Minify the bundle.').default(true),
  sourcemap: z.union([z.boolean(), z.enum(['inline', 'external'])]).describe('Emit a source map.').default(false),
  format: z.enum(['cjs', 'esm']).describe('Module format of the bundle ("esm" is written as index.mjs).').default('esm'),
  external: z.array(z.string().min(1)).describe('Modules left out of the bundle.').default([]),
  bundleAwsSdk: z.boolean().describe('Bundle @aws-sdk/* instead of using the copy in the Node.js runtime.').default(false),
  include: Globs.describe('Extra files to add to the zip (globs relative to the config file).').default([]),
  exclude: Globs.describe('Files to leave out of the zip (globs).').default([]),
  ...DeployFunctionFields,
  ...RolloutFunctionFields,
  ...EventFunctionFields,
}

const LayerFields = {
  name: z.string().regex(LAYER_NAME_PATTERN, NAME_RULE).max(LAMBDA_LIMITS.layerNameMax).describe('The layer name in Lambda. Default: "<service>-<key>".'),
  packageJson: z.string().min(1).optional().describe('A package.json whose production dependencies go into nodejs/node_modules.'),
  directory: z.string().min(1).optional().describe('A directory zipped as the layer content (already in the /opt layout).'),
  compatibleRuntimes: z.array(z.enum(RUNTIMES as [LambdaRuntime, ...LambdaRuntime[]])).max(LAMBDA_LIMITS.compatibleRuntimesMax).default([]),
  compatibleArchitectures: z.array(z.enum(ARCHITECTURES)).max(2).default([]),
  description: z.string().max(LAMBDA_LIMITS.descriptionMax).optional(),
  exclude: Globs.default([]),
}

type Unwrapped<T> = T extends z.ZodDefault<infer Inner> ? Inner : T
type Written<S extends z.ZodRawShape> = {[K in keyof S]: z.ZodOptional<Unwrapped<S[K]>>}

/**
 * The fields as a user writes them: every one optional and none defaulted, so that a layer (`defaults`, a
 * stage) only sets what it names. The default stays visible to editors as JSON Schema "default".
 */
function written<S extends z.ZodRawShape>(shape: S): Written<S> {
  const entries = Object.entries(shape).map(([key, field]) => {
    const plain = field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType).meta({default: field.def.defaultValue}) : (field as z.ZodType)
    return [key, plain instanceof z.ZodOptional ? plain : plain.optional()]
  })
  return Object.fromEntries(entries) as Written<S>
}

/** One function with every default applied: what the layers merge into (paths still as written). */
export const ResolvedFunctionSchema = z.strictObject({key: z.string(), ...FunctionFields})
export type ResolvedFunction = z.output<typeof ResolvedFunctionSchema>

export const ResolvedLayerSchema = z.strictObject({key: z.string(), ...LayerFields})
export type ResolvedLayer = z.output<typeof ResolvedLayerSchema>

export const FunctionOverrideSchema = z.strictObject(written(FunctionFields))
export const LayerSchema = z.strictObject(written(LayerFields))

export const StageSchema = z.strictObject({
  region: z.string().min(1).optional(),
  defaults: FunctionOverrideSchema.optional(),
  functions: z.record(z.string(), FunctionOverrideSchema).optional(),
})

export const ConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  service: z
    .string()
    .regex(FUNCTION_NAME_PATTERN, NAME_RULE)
    .max(40)
    .optional()
    .describe('Prefix of derived function and layer names. Default: the config directory name.'),
  region: z.string().min(1).optional().describe('AWS region; --region and AWS_REGION take precedence.'),
  defaults: FunctionOverrideSchema.optional().describe('Settings applied to every function.'),
  functions: z.record(z.string().regex(LAYER_NAME_PATTERN, NAME_RULE), FunctionOverrideSchema),
  layers: z.record(z.string().regex(LAYER_NAME_PATTERN, NAME_RULE), LayerSchema).optional(),
  stages: z.record(z.string().regex(LAYER_NAME_PATTERN), StageSchema).optional(),
  deployment: DeploymentSchema.optional().describe('Where sling deploy puts large artifacts, and the execution role it may create.'),
})

export type RawConfig = z.infer<typeof ConfigSchema>
export type FunctionOverride = z.infer<typeof FunctionOverrideSchema>
export type RawLayer = z.infer<typeof LayerSchema>

/** The JSON Schema editors use through "$schema"; written to schema/sling.config.schema.json. */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ConfigSchema, {target: 'draft-7', io: 'input'}),
    $id: 'https://sling.dev/schema/sling.config.schema.json',
    title: 'sling.config.json',
  }
}
