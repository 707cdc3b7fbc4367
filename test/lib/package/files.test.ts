import {mkdir, symlink, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {afterEach, expect, test} from 'vitest'

import type {ProjectConfig} from '../../../src/lib/config/load.js'
import {UserError} from '../../../src/lib/errors.js'
import {silentOutput} from '../../../src/lib/output.js'
import {packageFunctions} from '../../../src/lib/package/package.js'
import {tempDir} from '../../helpers/cli.js'
import {aProject, HELLO_HANDLER, readZip, writeFiles} from './helpers.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()))
})

/** A project with a bundle: false function "raw" zipping app/, plus `links` (path → target) created as symlinks. */
async function rawProject(files: Record<string, string>, links: Record<string, string> = {}, fn: Record<string, unknown> = {}) {
  const created = await aProject({'app/index.mjs': HELLO_HANDLER, ...files}, {functions: {raw: {bundle: false, source: 'app', ...fn}}})
  cleanups.push(created.cleanup)
  for (const [link, target] of Object.entries(links)) {
    await mkdir(path.dirname(path.join(created.dir, link)), {recursive: true})
    await symlink(target, path.join(created.dir, link))
  }
  return created
}

/** A directory outside every project, like ~/.aws. */
async function outside(files: Record<string, string>): Promise<string> {
  const {dir, cleanup} = await tempDir('sling-outside-')
  cleanups.push(cleanup)
  await writeFiles(dir, files)
  return dir
}

async function packageRaw(load: () => Promise<ProjectConfig>) {
  const result = await packageFunctions({config: await load()}, {output: silentOutput()})
  const fn = result.functions[0]!
  return {fn, names: (await readZip(fn.artifact)).map((e) => e.name), warnings: result.warnings}
}

test('a symlink out of the source is not followed, and the warning says how to include it', async () => {
  const home = await outside({'.aws/credentials': '[default]\naws_secret_access_key = x\n', 'x/.env': 'SECRET=1\n', 'lib/util.js': 'x\n'})
  const {load} = await rawProject({}, {'app/cfg': path.join(home, '.aws'), 'app/dotenv': path.join(home, 'x/.env'), 'app/up': '..', 'app/lib': path.join(home, 'lib')})

  const {names, warnings} = await packageRaw(load)

  expect(names).toEqual(['index.mjs'])
  expect(warnings).toHaveLength(1)
  expect(warnings[0]).toMatch(/^Function raw: left out symlinks that lead out of .*app: cfg \(→ .*\.aws\), dotenv \(→ .*\.env\), lib \(→ .*lib\), up \(→ .*\); to package what one points to, name it in functions\.raw\.include \(e\.g\. "lib\/\*\*"\)\.$/)
})

test('a symlink out of the source is followed when "include" names it, but what it leads to is still checked for secrets', async () => {
  const home = await outside({'.aws/credentials': 'secret\n', 'shared/util.js': 'exports.x = 1\n', 'shared/.env': 'S=1\n'})
  const {load} = await rawProject({}, {'app/cfg': path.join(home, '.aws'), 'app/shared': path.join(home, 'shared')}, {include: ['**', 'shared/**', 'cfg/**']})

  const {fn, names, warnings} = await packageRaw(load)

  expect(names).toEqual(['index.mjs', 'shared/util.js'])
  expect(fn.excludedSensitive).toEqual(['cfg/credentials', 'shared/.env'])
  expect(warnings).toEqual([])
})

test('the warning never suggests including a link that leads to a secret', async () => {
  const home = await outside({'.aws/credentials': 'secret\n', 'lib/util.js': 'x\n'})
  const {load} = await rawProject({}, {'app/abscred': path.join(home, '.aws/credentials'), 'app/awsdir': path.join(home, '.aws'), 'app/lib': path.join(home, 'lib')})

  const {warnings} = await packageRaw(load)

  expect(warnings).toHaveLength(1)
  expect(warnings[0]).toContain('abscred (→ ')
  expect(warnings[0]).toMatch(/name it in functions\.raw\.include \(e\.g\. "lib\/\*\*"\)\.$/)
})

test("including a link by name doesn't vouch for the secret it leads to; naming the secret file itself does", async () => {
  const home = await outside({'.aws/credentials': 'secret\n', 'x/.env': 'S=1\n'})
  const links = {'app/abscred': path.join(home, '.aws/credentials'), 'app/dotenv': path.join(home, 'x/.env'), 'app/inner': 'conf/.env'}
  const byLink = await rawProject({'app/conf/.env': 'S=2\n'}, links, {include: ['**', 'abscred', 'dotenv', 'inner']})

  const refused = await packageRaw(byLink.load)

  expect(refused.names).toEqual(['index.mjs'])
  expect(refused.fn.excludedSensitive).toEqual(['abscred', 'conf/.env', 'dotenv', 'inner'])

  const byFile = await rawProject({'app/conf/.env': 'S=2\n'}, links, {include: ['**', 'abscred', '.aws/credentials', 'inner', 'conf/.env']})
  const shipped = await packageRaw(byFile.load)
  expect(shipped.names).toEqual(['abscred', 'conf/.env', 'index.mjs', 'inner'])
})

test('a symlink inside the source is followed, and its target decides too: a link to a secret is a secret', async () => {
  const {load} = await rawProject({'app/.aws/credentials': 'secret\n', 'app/.env': 'S=1\n', 'app/lib/util.js': 'x\n'}, {'app/settings': '.aws', 'app/config.txt': '.env', 'app/util.js': 'lib/util.js'})

  const {fn, names} = await packageRaw(load)

  expect(names).toEqual(['index.mjs', 'lib/util.js', 'util.js'])
  expect(fn.excludedSensitive).toEqual(['.aws/credentials', '.env', 'config.txt', 'settings/credentials'])
})

test('a symlink to a folder that contains it is not followed: no file twice, and cycles end', async () => {
  const {load} = await rawProject({'app/lib/util.js': 'x\n', 'app/a/one.js': '1\n', 'app/b/two.js': '2\n'}, {'app/lib/self': '..', 'app/a/to-b': '../b', 'app/b/to-a': '../a'})

  const {names, warnings} = await packageRaw(load)

  // a/to-b and b/to-a are each followed once; following them back would never end.
  expect(names).toEqual(['a/one.js', 'a/to-b/two.js', 'b/to-a/one.js', 'b/two.js', 'index.mjs', 'lib/util.js'])
  expect(warnings).toEqual([expect.stringMatching(/didn't follow symlinks to a folder that contains them .*: a\/to-b\/to-a \(→ .*\), b\/to-a\/to-b \(→ .*\), lib\/self \(→ .*\)\.$/)])
})

test('secret names match whatever their case', async () => {
  const {fn, names} = await packageRaw((await rawProject({'app/.ENV': 'S=1\n', 'app/server.PEM': 'k\n', 'app/keys/ID_RSA': 'k\n', 'app/.Git/config': 'x\n', 'app/Prod.Env': 'S=1\n'})).load)
  expect(names).toEqual(['index.mjs'])
  expect(fn.excludedSensitive).toEqual(['.ENV', '.Git/config', 'Prod.Env', 'keys/ID_RSA', 'server.PEM'])
})

test('common credential and state files are never packaged', async () => {
  const secrets = ['.git-credentials', '.pgpass', '.docker/config.json', 'credentials.json', 'prod.env', 'terraform.tfstate', 'terraform.tfstate.backup', '.terraform/providers/p.json', 'vault.kdbx', '.htpasswd', '.vault-token', 'conf/.npmrc', 'id_ed25519',
    'prod.tfvars', 'infra/prod.auto.tfvars', 'vars.tfvars.json', '.kube/config', '.pypirc', 'gcloud/application_default_credentials.json', '.yarnrc.yml', '.yarnrc']
  const {fn, names} = await packageRaw((await rawProject(Object.fromEntries(secrets.map((name) => [`app/${name}`, 'secret\n'])))).load)
  expect(names).toEqual(['index.mjs'])
  expect(fn.excludedSensitive).toEqual([...secrets].sort())
})

test('harmless files that only look like secret names are packaged', async () => {
  const harmless = ['env.js', 'environment.ts', 'lib/envelope.js', 'keys.js', 'monkey.js', 'Keyboard.JS', 'credentials.ts', 'aws/client.js', 'docker/config.json', 'config.json', 'terraform.tf', 'pem.js', 'src/token.js', 'dotenv/index.js', 'git/notes.md', 'kube/config', 'config', 'variables.tf', 'yarnrc.js']
  const {fn, names} = await packageRaw((await rawProject(Object.fromEntries(harmless.map((name) => [`app/${name}`, 'ok\n'])))).load)
  expect(names).toEqual(['index.mjs', ...harmless].sort())
  expect(fn.excludedSensitive).toEqual([])
})

test('a package in a layer keeps its CA bundles: inside node_modules only .git and .sling are left out', async () => {
  const created = await aProject({
    'deps/package.json': JSON.stringify({name: 'deps', dependencies: {certs: '1.0.0'}}),
    'deps/node_modules/certs/package.json': JSON.stringify({name: 'certs', version: '1.0.0'}),
    'deps/node_modules/certs/ca.pem': 'CA\n',
    'deps/node_modules/certs/.git/config': 'x\n',
  }, {functions: {}, layers: {deps: {packageJson: 'deps/package.json'}}})
  cleanups.push(created.cleanup)
  const result = await packageFunctions({config: await created.load(), layers: ['deps']}, {output: silentOutput()})
  expect((await readZip(result.layers[0]!.artifact)).map((e) => e.name)).toEqual(['nodejs/node_modules/certs/ca.pem', 'nodejs/node_modules/certs/package.json'])
  expect(result.layers[0]?.excludedSensitive).toEqual(['node_modules/certs/.git/config'])
})

test.each([
  ['a newline', 'bad\nname.txt', '"bad\\nname.txt"'],
  ['a backslash', 'back\\slash.txt', '"back\\\\slash.txt"'],
])('a file name with %s is refused with an error naming it, never dropped or renamed', async (_what, name, shown) => {
  const {dir, load} = await rawProject({})
  await writeFile(path.join(dir, 'app', name), 'x\n')

  const error = await packageFunctions({config: await load()}, {output: silentOutput()}).catch((e: unknown) => e)

  expect(error).toBeInstanceOf(UserError)
  expect((error as UserError).code).toBe('UnsupportedFileName')
  expect((error as UserError).message).toContain(shown)
  expect((error as UserError).hints.join(' ')).toContain('"exclude"')
})

test('a file with an odd name can be left out with "exclude", as the hint says', async () => {
  const {dir, load} = await rawProject({}, {}, {exclude: ['bad?name.txt']})
  await writeFile(path.join(dir, 'app', 'bad\nname.txt'), 'x\n')
  const {names} = await packageRaw(load)
  expect(names).toEqual(['index.mjs'])
})

/** Creates `app/<name>` (raw bytes); false where the file system refuses names that aren't UTF-8 (macOS). */
async function writeRaw(dir: string, name: Buffer, directory: boolean): Promise<boolean> {
  const file = Buffer.concat([Buffer.from(path.join(dir, 'app') + path.sep), name])
  try {
    if (!directory) await writeFile(file, 'x\n')
    else {
      await mkdir(file)
      await writeFile(Buffer.concat([file, Buffer.from('/inner.js')]), 'x\n')
    }
    return true
  } catch {
    return false
  }
}

test.each([
  ['file', false, '"caf\\xe9.txt"', 'caf?.txt'],
  ['directory', true, '"caf\\xe9.txt"', 'caf?.txt'],
])('a %s whose name is not UTF-8 is refused with an error naming it (escaped), never dropped', async (_what, directory, shown, pattern) => {
  const {dir, load} = await rawProject({})
  if (!(await writeRaw(dir, Buffer.from('caf\xe9.txt', 'latin1'), directory))) return

  const error = await packageFunctions({config: await load()}, {output: silentOutput()}).catch((e: unknown) => e)

  expect(error).toBeInstanceOf(UserError)
  expect((error as UserError).code).toBe('UnsupportedFileName')
  expect((error as UserError).message).toContain(shown)
  expect((error as UserError).message).toContain("aren't UTF-8")
  expect((error as UserError).hints.join(' ')).toContain(`"${pattern}"`)
})

test('a file whose name is not UTF-8 can be left out with "exclude", as the hint says', async () => {
  const {dir, load} = await rawProject({}, {}, {exclude: ['caf?.txt']})
  if (!(await writeRaw(dir, Buffer.from('caf\xe9.txt', 'latin1'), false))) return
  const {names} = await packageRaw(load)
  expect(names).toEqual(['index.mjs'])
})
