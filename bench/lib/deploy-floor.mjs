#!/usr/bin/env node
// The floor for `sling deploy`: one Node.js process that makes only the calls a deploy can't do without, with
// the AWS SDK and its own waiters, and nothing else (no CLI, no config, no plan, no checks, no packaging: the
// zips are given). Per function, at most CONCURRENCY at once:
//   first  — GetFunction (absent), CreateFunction, waitUntilFunctionActiveV2
//   code   — GetFunction, UpdateFunctionCode (the CodeSha256 differs), waitUntilFunctionUpdatedV2
//   noop   — GetFunction (the CodeSha256 is the same: nothing to do)
// Usage: node deploy-floor.mjs SPEC.json   (written by deploy.bench.mjs)
import {createHash} from 'node:crypto'
import {readFileSync} from 'node:fs'

import {
  CreateFunctionCommand,
  GetFunctionCommand,
  LambdaClient,
  UpdateFunctionCodeCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda'

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const lambda = new LambdaClient({endpoint: spec.endpoint, region: spec.region, credentials: {accessKeyId: 'bench', secretAccessKey: 'bench'}})

async function current(name) {
  try {
    return (await lambda.send(new GetFunctionCommand({FunctionName: name}))).Configuration
  } catch (error) {
    if (error.name === 'ResourceNotFoundException') return undefined
    throw error
  }
}

async function deployOne({name, zip}) {
  const code = readFileSync(zip)
  const sha = createHash('sha256').update(code).digest('base64')
  const fn = await current(name)
  if (!fn) {
    await lambda.send(new CreateFunctionCommand({FunctionName: name, Role: spec.role, Runtime: spec.runtime, Handler: 'index.handler', Code: {ZipFile: code}}))
    await waitUntilFunctionActiveV2({client: lambda, maxWaitTime: 300}, {FunctionName: name})
  } else if (fn.CodeSha256 !== sha) {
    await lambda.send(new UpdateFunctionCodeCommand({FunctionName: name, ZipFile: code, RevisionId: fn.RevisionId}))
    await waitUntilFunctionUpdatedV2({client: lambda, maxWaitTime: 300}, {FunctionName: name})
  }
}

const queue = [...spec.functions]
await Promise.all(Array.from({length: Math.min(spec.concurrency, queue.length)}, async () => {
  while (queue.length > 0) await deployOne(queue.shift())
}))
lambda.destroy()
