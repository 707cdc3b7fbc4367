/**
 * End-to-end deploys: the built CLI against `sling local serve` (one server per test file), reached either
 * with --endpoint-url or with --local (which finds the running server through its store).
 */
import {spawn} from 'node:child_process'
import {mkdir, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {CreateRoleCommand, IAMClient} from '@aws-sdk/client-iam'
import {LambdaClient} from '@aws-sdk/client-lambda'

import type {CallReport} from '../../src/lib/local/calls.js'
import type {CliResult} from '../helpers/cli.js'
import {BIN, runCli, tempDir} from '../helpers/cli.js'
import type {Served} from './local-serve-helper.js'
import {serve} from './local-serve-helper.js'

export interface Cloud {
  readonly served: Served
  readonly lambda: LambdaClient
  readonly iam: IAMClient
  /** Runs the CLI against the server: `via` "endpoint" passes --endpoint-url, "local" passes --local. */
  cli(args: readonly string[], options?: {readonly via?: 'endpoint' | 'local'; readonly cwd?: string}): Promise<CliResult>
  /** Starts the CLI (with --endpoint-url) without waiting for it: to send it a signal once stderr shows `ready`. */
  start(args: readonly string[]): Started
  /** Creates an execution role Lambda may assume (as an account admin would, with the SDK's IAM client); returns its ARN. */
  role(name: string): Promise<string>
  /** The server's own count of the calls it served (`GET /_sling/calls`); `reset` starts counting anew after this report. */
  calls(options?: {readonly reset?: boolean}): Promise<CallReport>
  /** Makes a temporary project directory with `files` (path → content) and `sling.config.json` from `config`. */
  project(config: Record<string, unknown>, files: Record<string, string>): Promise<ProjectDir>
  stop(): Promise<void>
}

export interface Started {
  /** Resolves once stderr contains `text`. */
  waitFor(text: string): Promise<void>
  signal(name: NodeJS.Signals): void
  readonly done: Promise<CliResult>
}

export interface ProjectDir {
  readonly dir: string
  readonly config: string
  /** Rewrites files (and, when given, the config). */
  write(files: Record<string, string>, config?: Record<string, unknown>): Promise<void>
}

/** What `deploy --json` prints (the fields these tests read). */
export interface DeployJson {
  status: string
  functions: {key: string; functionName: string; arn?: string; codeSha256?: string; action: string; progress: string; changed: {code: boolean; configuration: boolean}; version?: string; alias?: {name: string; from?: string; to: string}; error?: {code: string; message: string}}[]
  layers: {key: string; action: string; arn?: string}[]
  calls: {reads: number; writes: number; byOperation: Record<string, number>}
}

/** Starts `sling local serve` with short state delays (unless `extraArgs` sets one) and extra flags (faults), and SDK clients for it. */
export async function startCloud(extraArgs: readonly string[] = [], env: Record<string, string> = {}): Promise<Cloud> {
  const cleanups: (() => Promise<void>)[] = []
  const store = await tempDir('sling-e2e-deploy-store-')
  cleanups.push(store.cleanup)
  // A role an admin created beforehand is assumable at once here; the role-creation test sets its own delay.
  const stateDelay = extraArgs.includes('--state-delay') ? [] : ['--state-delay', '20']
  const served = await serve(['--port', '0', '--store', store.dir, ...stateDelay, ...extraArgs], cleanups, {SLING_LOCAL_ROLE_PROPAGATION_MS: '0', ...env})
  const sdk = {endpoint: served.info.endpoint, region: served.info.region, credentials: {accessKeyId: 'x', secretAccessKey: 'x'}}
  const lambda = new LambdaClient(sdk)
  const iam = new IAMClient(sdk)
  cleanups.push(() => Promise.resolve(lambda.destroy()), () => Promise.resolve(iam.destroy()))
  const credentials = {AWS_ACCESS_KEY_ID: 'sling-e2e', AWS_SECRET_ACCESS_KEY: 'sling-e2e', AWS_REGION: served.info.region}
  return {
    served, lambda, iam,
    cli(args, {via = 'endpoint', cwd} = {}) {
      const target = via === 'endpoint' ? ['--endpoint-url', served.info.endpoint] : ['--local']
      return runCli([...args, ...target], {cwd, env: via === 'endpoint' ? credentials : {SLING_LOCAL_STORE: store.dir}, timeoutMs: 90_000})
    },
    start(args) {
      const child = spawn(process.execPath, [BIN, ...args, '--endpoint-url', served.info.endpoint], {
        env: {PATH: process.env.PATH, HOME: os.tmpdir(), CI: 'true', NO_COLOR: '1', AWS_EC2_METADATA_DISABLED: 'true', ...credentials},
      })
      let stdout = ''
      let stderr = ''
      const waiting: {text: string; resolve: () => void}[] = []
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk
        for (const wait of waiting.filter((w) => stderr.includes(w.text))) wait.resolve()
      })
      const done = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({code: code ?? 1, stdout, stderr})))
      cleanups.push(async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
        await done
      })
      return {
        done,
        signal: (name) => void child.kill(name),
        waitFor: (text) =>
          new Promise<void>((resolve, reject) => {
            if (stderr.includes(text)) return resolve()
            waiting.push({text, resolve})
            void done.then((result) => reject(new Error(`the CLI exited (${result.code}) before printing "${text}":\n${result.stderr}`)))
          }),
      }
    },
    async role(name) {
      const trust = JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {Service: 'lambda.amazonaws.com'}, Action: 'sts:AssumeRole'}]})
      const created = await iam.send(new CreateRoleCommand({RoleName: name, AssumeRolePolicyDocument: trust}))
      return created.Role!.Arn!
    },
    async calls({reset = false} = {}) {
      const response = await fetch(`${served.info.endpoint}/_sling/calls${reset ? '?reset=1' : ''}`)
      if (!response.ok) throw new Error(`GET /_sling/calls answered ${response.status}`)
      return (await response.json()) as CallReport
    },
    async project(config, files) {
      const {dir, cleanup} = await tempDir('sling-e2e-deploy-')
      cleanups.push(cleanup)
      const file = path.join(dir, 'sling.config.json')
      const write = async (changed: Record<string, string>, next?: Record<string, unknown>): Promise<void> => {
        for (const [name, content] of Object.entries(changed)) {
          await mkdir(path.dirname(path.join(dir, name)), {recursive: true})
          await writeFile(path.join(dir, name), content)
        }
        if (next) await writeFile(file, JSON.stringify(next, null, 2))
      }
      await write(files, config)
      return {dir, config: file, write}
    },
    async stop() {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
    },
  }
}

/** Parses `deploy --json`, failing with the CLI's stderr when stdout isn't the JSON document. */
export function parseDeploy(result: CliResult): DeployJson {
  try {
    return JSON.parse(result.stdout) as DeployJson
  } catch {
    throw new Error(`deploy printed no JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`)
  }
}

/** The server's count by operation, named as the CLI's tally names them ("Lambda.GetFunction", "S3.HeadObject"). */
export function byOperation(report: CallReport): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const call of report.calls) {
    const key = `${SERVICE_NAMES[call.service] ?? call.service}.${call.operation}`
    counts[key] = (counts[key] ?? 0) + call.count
  }
  return counts
}

const SERVICE_NAMES: Record<string, string> = {lambda: 'Lambda', s3: 'S3', iam: 'IAM', sts: 'STS', logs: 'CloudWatchLogs', monitoring: 'CloudWatch'}

/** The writes a run made, by operation ("Lambda.UpdateFunctionCode": 1), reads left out. */
export function writesOf(deployed: DeployJson): Record<string, number> {
  return Object.fromEntries(Object.entries(deployed.calls.byOperation).filter(([op]) => !/\.(Get|List|Head|Describe)/.test(op)))
}
