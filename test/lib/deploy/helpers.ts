import {mkdir, truncate, writeFile} from 'node:fs/promises'
import path from 'node:path'

import type {ProjectConfig} from '../../../src/lib/config/load.js'
import {loadConfig} from '../../../src/lib/config/load.js'
import type {DeployDeps} from '../../../src/lib/deploy/deploy.js'
import {silentOutput} from '../../../src/lib/output.js'
import type {Output} from '../../../src/lib/output.js'
import type {PackageOptions, PackageResult} from '../../../src/lib/package/package.js'
import {tempDir} from '../../helpers/cli.js'
import type {FakeIam, FakeLambda, FakeS3} from './fakes.js'
import {fakeIam, fakeLambda, fakeS3, fakeSts, sha256} from './fakes.js'

export const ROLE = 'arn:aws:iam::123456789012:role/app'

/** A throwaway project with `sling.config.json` from `config` (service "shop"), loaded by the real loader. */
export async function aProject(config: Record<string, unknown>, stage?: string): Promise<{config: ProjectConfig; dir: string; cleanup: () => Promise<void>}> {
  const {dir, cleanup} = await tempDir('sling-deploy-')
  await writeFile(path.join(dir, 'sling.config.json'), JSON.stringify({service: 'shop', ...config}))
  return {config: await loadConfig({file: path.join(dir, 'sling.config.json'), ...(stage ? {stage} : {})}), dir, cleanup}
}

/** What the fake `sling package` builds: each function's and layer's zip content (change it to change the code). */
export interface FakeBuild {
  code: Record<string, string>
  layerCode: Record<string, string>
  /** Keys whose zip is 60 MB (a sparse file), over what Lambda takes in a request. */
  large: Set<string>
  /** The keys each packaging was asked for. */
  readonly asked: string[][]
}

export function aBuild(): FakeBuild {
  return {code: {}, layerCode: {}, large: new Set(), asked: []}
}

/** A stand-in for `packageFunctions`: writes a small zip per function and layer, with a CodeSha256 of its content. */
export function fakePackage(build: FakeBuild): (options: PackageOptions) => Promise<PackageResult> {
  return async ({config, functions = []}) => {
    build.asked.push([...functions])
    const outDir = path.join(config.dir, '.sling', 'build')
    await mkdir(outDir, {recursive: true})
    const write = async (key: string, content: string): Promise<{artifact: string; codeSha256: string; zippedSize: number}> => {
      const artifact = path.join(outDir, `${key}.zip`)
      await writeFile(artifact, content)
      if (build.large.has(key)) await truncate(artifact, 60 * 1024 * 1024)
      return {artifact, codeSha256: sha256(content), zippedSize: build.large.has(key) ? 60 * 1024 * 1024 : Buffer.byteLength(content)}
    }
    const fns = config.functions.filter((fn) => functions.includes(fn.key))
    const layerKeys = [...new Set(fns.flatMap((fn) => fn.layers.filter((ref) => !ref.startsWith('arn:'))))]
    const layers = await Promise.all(layerKeys.map(async (key) => ({key, name: config.layers.find((l) => l.key === key)?.name ?? key, ...(await write(`layer-${key}`, build.layerCode[key] ?? `layer ${key}`)), unzippedSize: 10, excludedSensitive: [], source: 'directory' as const, largest: []})))
    const built = await Promise.all(fns.map(async (fn) => ({
      key: fn.key, name: fn.name, ...(await write(fn.key, build.code[fn.key] ?? `code of ${fn.key}`)), unzippedSize: 100, excludedSensitive: [], handler: `index.${fn.handler}`, runtime: fn.runtime,
      architecture: fn.architecture, bundled: true, cached: false, layers: fn.layers, totalUnzippedSize: 100, limits: {} as PackageResult['functions'][number]['limits'], largest: [],
    })))
    return {status: 'packaged', outDir, manifest: path.join(outDir, 'manifest.json'), functions: built, layers, warnings: []}
  }
}

export interface TestDeps extends DeployDeps {
  readonly lambda: FakeLambda
  readonly s3: FakeS3
  readonly iam: FakeIam
  readonly build: FakeBuild
  /** Progress lines written through output.info. */
  readonly lines: string[]
}

/** Deploy's deps, all fakes: Lambda with `functions`, a role question answered yes, the commit "abc1234", 2026-12-10. */
export function testDeps(overrides: Partial<TestDeps> = {}): TestDeps {
  const lines: string[] = []
  const build = overrides.build ?? aBuild()
  const output: Output = silentOutput({info: (line) => void lines.push(line)})
  return {
    lambda: fakeLambda(), s3: fakeS3(), iam: fakeIam(), sts: fakeSts(), output, lines, build,
    packageFunctions: fakePackage(build), confirm: () => Promise.resolve(true), describeCommit: () => Promise.resolve('abc1234'),
    clock: {now: () => Date.UTC(2026, 11, 10)},
    ...overrides,
  }
}
