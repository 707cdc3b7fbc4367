import {z} from 'zod'

/**
 * The Node.js runtimes Lambda runs today (AWS's runtime docs, checked against the Runtime enum of the
 * Lambda service model). The first is the default: the newest generally available one.
 */
export const NODE_RUNTIMES = ['nodejs24.x', 'nodejs22.x', 'nodejs20.x'] as const
export const DEFAULT_RUNTIME = NODE_RUNTIMES[0]
/** Runtimes for `bundle: false` functions whose code sling zips as is. */
export const OTHER_RUNTIMES = [
  'python3.14', 'python3.13', 'python3.12', 'python3.11', 'python3.10',
  'java25', 'java21', 'java17', 'java11', 'java8.al2',
  'dotnet10', 'dotnet8', 'ruby3.4', 'ruby3.3', 'provided.al2023', 'provided.al2',
] as const
export const RUNTIMES = [...NODE_RUNTIMES, ...OTHER_RUNTIMES] as const
export type Runtime = (typeof RUNTIMES)[number]

/** Lambda's own bounds (Lambda API model: MemorySize, Timeout, Description, EnvironmentVariableName). */
export const LAMBDA_LIMITS = {
  memoryMin: 128,
  memoryMax: 32_768,
  timeoutMin: 1,
  timeoutMax: 5_400,
  descriptionMax: 256,
  functionNameMax: 64,
  layersMax: 5,
  /** Zipped deployment package uploaded directly in the request (CreateFunction/UpdateFunctionCode). */
  zippedDirectMax: 50 * 1024 * 1024,
  /** Unzipped function code plus all its layers. */
  unzippedMax: 262_144_000,
  /** All environment variables, keys and values, as Lambda counts them. */
  environmentMax: 4 * 1024,
} as const

const FUNCTION_NAME = /^[a-zA-Z0-9_-]+$/
const ENV_KEY = /^[a-zA-Z][a-zA-Z0-9_]+$/
const ROLE_ARN = /^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/
const LAYER_VERSION_ARN = /^arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d:\d{12}:layer:[a-zA-Z0-9_-]+:[0-9]+$/
const LAYER_KEY = /^[a-zA-Z0-9_-]+$/

const Globs = z.array(z.string().min(1)).describe('Glob patterns, relative to the config file.')

/** Settings that can be given per function, in `defaults`, or in a stage override. */
const FunctionFields = {
  name: z
    .string()
    .regex(FUNCTION_NAME, 'letters, digits, hyphens and underscores only')
    .max(LAMBDA_LIMITS.functionNameMax)
    .describe('The deployed function name. Default: "<service>-<key>", or "<service>-<stage>-<key>" with --stage.'),
  entry: z.string().min(1).describe('The handler source file (.ts, .js, .mjs, .cjs), relative to the config file.'),
  handler: z.string().regex(/^[A-Za-z_$][\w$]*$/, 'a JavaScript export name').describe('The exported handler function. Default: "handler".'),
  runtime: z.enum(RUNTIMES).describe(`The Lambda runtime. Default: "${DEFAULT_RUNTIME}".`),
  memorySize: z.number().int().min(LAMBDA_LIMITS.memoryMin).max(LAMBDA_LIMITS.memoryMax).describe('Memory in MB. Default: 128.'),
  timeout: z.number().int().min(LAMBDA_LIMITS.timeoutMin).max(LAMBDA_LIMITS.timeoutMax).describe('Timeout in seconds. Default: 3.'),
  environment: z
    .record(z.string().regex(ENV_KEY, 'a letter followed by letters, digits or underscores'), z.string())
    .describe('Environment variables (at most 4 KB in total).'),
  role: z.string().regex(ROLE_ARN, 'an IAM role ARN such as arn:aws:iam::123456789012:role/my-role').describe('The execution role ARN.'),
  architecture: z.enum(['x86_64', 'arm64']).describe('The instruction set. Default: "x86_64".'),
  layers: z
    .array(z.union([z.string().regex(LAYER_VERSION_ARN), z.string().regex(LAYER_KEY)]))
    .max(LAMBDA_LIMITS.layersMax)
    .describe('Layer version ARNs, or keys of layers declared under "layers" (at most 5).'),
  description: z.string().max(LAMBDA_LIMITS.descriptionMax),
  tags: z.record(z.string().min(1).max(128), z.string().max(256)),
  bundle: z.boolean().describe('Bundle with esbuild (default), or zip `source` as is when false.'),
  source: z.string().min(1).describe('With bundle: false, the directory to zip. Default: the config file directory.'),
  minify: z.boolean().describe('Minify the bundle. Default: true.'),
  sourcemap: z.union([z.boolean(), z.enum(['inline', 'external'])]).describe('Emit a source map. Default: false.'),
  format: z.enum(['cjs', 'esm']).describe('Module format of the bundle. Default: "esm" (index.mjs).'),
  external: z.array(z.string().min(1)).describe('Modules left out of the bundle.'),
  bundleAwsSdk: z.boolean().describe('Bundle @aws-sdk/* instead of using the copy in the Node.js runtime. Default: false.'),
  include: Globs.describe('Extra files to add to the zip (globs relative to the config file).'),
  exclude: Globs.describe('Files to leave out of the zip (globs).'),
}

export const FunctionSchema = z.strictObject(FunctionFields).partial().extend({entry: FunctionFields.entry.optional()})
export const FunctionOverrideSchema = z.strictObject(FunctionFields).partial()

export const LayerSchema = z
  .strictObject({
    name: z.string().regex(FUNCTION_NAME).max(140).describe('The layer name in Lambda. Default: "<service>-<key>".'),
    packageJson: z.string().min(1).describe("A package.json whose production dependencies go into nodejs/node_modules."),
    directory: z.string().min(1).describe('A directory zipped as the layer content (already in the /opt layout).'),
    compatibleRuntimes: z.array(z.enum(RUNTIMES)).max(15),
    compatibleArchitectures: z.array(z.enum(['x86_64', 'arm64'])).max(2),
    description: z.string().max(LAMBDA_LIMITS.descriptionMax),
    exclude: Globs,
  })
  .partial()

export const StageSchema = z.strictObject({
  region: z.string().min(1).optional(),
  defaults: FunctionOverrideSchema.optional(),
  functions: z.record(z.string(), FunctionOverrideSchema).optional(),
})

export const ConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  service: z
    .string()
    .regex(FUNCTION_NAME, 'letters, digits, hyphens and underscores only')
    .max(40)
    .optional()
    .describe('Prefix of derived function and layer names. Default: the config directory name.'),
  region: z.string().min(1).optional().describe('AWS region; --region and AWS_REGION take precedence.'),
  defaults: FunctionOverrideSchema.optional().describe('Settings applied to every function.'),
  functions: z.record(z.string().regex(LAYER_KEY, 'letters, digits, hyphens and underscores only'), FunctionSchema),
  layers: z.record(z.string().regex(LAYER_KEY, 'letters, digits, hyphens and underscores only'), LayerSchema).optional(),
  stages: z.record(z.string().regex(LAYER_KEY), StageSchema).optional(),
})

export type RawConfig = z.infer<typeof ConfigSchema>
export type FunctionOverride = z.infer<typeof FunctionOverrideSchema>

/** The JSON Schema editors use through "$schema"; written to schema/sling.config.schema.json. */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ConfigSchema, {target: 'draft-7', io: 'input'}),
    $id: 'https://sling.dev/schema/sling.config.schema.json',
    title: 'sling.config.json',
  }
}
