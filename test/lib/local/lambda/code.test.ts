import {
  CreateFunctionCommand,
  InvalidParameterValueException,
  InvokeCommand,
  PublishLayerVersionCommand,
  UpdateFunctionCodeCommand,
  waitUntilFunctionActiveV2,
} from '@aws-sdk/client-lambda'
import type {CreateFunctionCommandInput, LambdaClient} from '@aws-sdk/client-lambda'
import {CreateBucketCommand, PutObjectCommand, S3Client} from '@aws-sdk/client-s3'
import {afterEach, beforeEach, describe, expect, test} from 'vitest'

import {deflatedZeros, link, rawZip} from '../../../helpers/raw-zip.js'
import type {LambdaHarness} from './harness.js'
import {handlerZip, rejectionOf, ROLE, startLambda} from './harness.js'

let h: LambdaHarness
let lambda: LambdaClient

beforeEach(async () => {
  h = await startLambda()
  lambda = h.lambda()
})
afterEach(async () => h.close())

function create(name: string, zip: Buffer, overrides: Partial<CreateFunctionCommandInput> = {}) {
  return lambda.send(new CreateFunctionCommand({FunctionName: name, Role: ROLE, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: {ZipFile: zip}, ...overrides}))
}

async function invoke(name: string): Promise<{status?: number; error?: string; payload: unknown}> {
  await waitUntilFunctionActiveV2({client: lambda, maxWaitTime: 10}, {FunctionName: name})
  const result = await lambda.send(new InvokeCommand({FunctionName: name}))
  return {status: result.StatusCode, error: result.FunctionError, payload: JSON.parse(Buffer.from(result.Payload ?? []).toString('utf8'))}
}

const UNZIPPED_LIMIT = 'Unzipped size must be smaller than 262144000 bytes'
const UNREADABLE = 'Could not unzip uploaded file. Please check your file, then try to upload again.'

/** A zip whose headers declare 1 KB for an entry that inflates to 263 MB. */
async function zipBomb(): Promise<Buffer> {
  return rawZip([{name: 'index.mjs', data: 'export const handler = async () => 1\n'}, {name: 'bomb.bin', deflated: await deflatedZeros(263_000_000), declaredSize: 1024}])
}

describe('uploaded packages are checked by what they inflate to', () => {
  test('a zip whose headers understate its size is refused at upload, from the request or from S3, and for layers', async () => {
    const bomb = await zipBomb()
    const direct = await rejectionOf(create('bomb', bomb))
    expect(direct).toBeInstanceOf(InvalidParameterValueException)
    expect(direct.message).toBe(UNZIPPED_LIMIT)

    const s3 = new S3Client({region: 'us-east-1', endpoint: h.cloud.endpoint, forcePathStyle: true, credentials: {accessKeyId: 'x', secretAccessKey: 'x'}})
    await s3.send(new CreateBucketCommand({Bucket: 'artifacts'}))
    await s3.send(new PutObjectCommand({Bucket: 'artifacts', Key: 'bomb.zip', Body: bomb}))
    const fromS3 = await rejectionOf(create('bomb-s3', Buffer.alloc(0), {Code: {S3Bucket: 'artifacts', S3Key: 'bomb.zip'}}))
    expect(fromS3.message).toBe(UNZIPPED_LIMIT)
    s3.destroy()

    const layer = await rejectionOf(lambda.send(new PublishLayerVersionCommand({LayerName: 'bomb', Content: {ZipFile: bomb}})))
    expect(layer.message).toBe(UNZIPPED_LIMIT)
    await create('fine', await handlerZip())
    const update = await rejectionOf(lambda.send(new UpdateFunctionCodeCommand({FunctionName: 'fine', ZipFile: bomb})))
    expect(update.message).toBe(UNZIPPED_LIMIT)
  })

  test('a zip whose headers disagree with its data, or that names a file outside its root, is unreadable', async () => {
    const liar = rawZip([{name: 'index.mjs', data: 'export const handler = async () => 1\n', declaredSize: 5}])
    expect((await rejectionOf(create('liar', liar))).message).toBe(UNREADABLE)
    const slip = rawZip([{name: '../index.mjs', data: 'export const handler = async () => 1\n'}])
    const error = await rejectionOf(create('slip', slip))
    expect(error).toBeInstanceOf(InvalidParameterValueException)
    expect(error.message).toBe(UNREADABLE)
  })

  test('a zip where one path is both a file and a directory is refused at upload, never a 500 at invoke', async () => {
    const handler = {name: 'index.mjs', data: 'export const handler = async () => 1\n'}
    for (const entries of [
      [handler, {name: 'x', data: 'file'}, {name: 'x/y', data: 'file below it'}],
      [handler, {name: 'a/b/c', data: 'deep'}, {name: 'a/b', data: 'a file where a directory was'}],
      [handler, {name: 'd/'}, {name: 'd', data: 'a file where a directory entry was'}],
    ]) {
      const error = await rejectionOf(create('conflict', rawZip(entries)))
      expect(error).toBeInstanceOf(InvalidParameterValueException)
      expect(error.message).toBe(UNREADABLE)
    }
    // A file beside a directory of a similar name is fine.
    await create('fine', rawZip([handler, {name: 'x.txt', data: 'f'}, {name: 'x/y', data: 'g'}]))
    expect(await invoke('fine')).toEqual({status: 200, payload: 1})
  })
})

describe('symbolic links in a package work at invoke, as on Lambda', () => {
  const handler = `import {existsSync, readFileSync} from 'node:fs'
export const handler = async () => ({config: JSON.parse(readFileSync('./config.json', 'utf8')), outside: existsSync('./outside'), absolute: existsSync('./absolute')})
`

  test('a handler reached through a linked directory runs, and links read files; links leading out are left out', async () => {
    const zip = rawZip([
      {name: 'real/index.mjs', data: handler},
      {name: 'data/config.json', data: '{"linked":true}'},
      link('lib', 'real'),
      link('config.json', 'data/config.json'),
      link('outside', '../../../../../../etc/hostname'),
      link('absolute', '/etc/hostname'),
    ])
    await create('linked', zip, {Handler: 'lib/index.handler'})
    // Handlers run with the task root as working directory.
    expect(await invoke('linked')).toEqual({status: 200, payload: {config: {linked: true}, outside: false, absolute: false}})
  })

  test('a link where the archive also has a directory is no 500 at invoke', async () => {
    const zip = rawZip([link('lib', 'real'), {name: 'lib/'}, {name: 'lib/index.mjs', data: 'export const handler = async () => "from the directory"\n'}])
    await create('dir-wins', zip, {Handler: 'lib/index.handler'})
    expect(await invoke('dir-wins')).toEqual({status: 200, payload: 'from the directory'})
  })
})
