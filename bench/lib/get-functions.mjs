#!/usr/bin/env node
// The floor for a no-op `sling deploy`: a bare Node.js script making one GetFunction per function, all at once,
// with the AWS SDK, against the same endpoint. Usage: node get-functions.mjs ENDPOINT NAME...
import {GetFunctionCommand, LambdaClient} from '@aws-sdk/client-lambda'

const [endpoint, ...names] = process.argv.slice(2)
const client = new LambdaClient({endpoint, region: 'us-east-1', credentials: {accessKeyId: 'bench', secretAccessKey: 'bench'}})
const results = await Promise.all(names.map((name) => client.send(new GetFunctionCommand({FunctionName: name}))))
client.destroy()
process.stdout.write(JSON.stringify(results.map((r) => r.Configuration.CodeSha256)))
