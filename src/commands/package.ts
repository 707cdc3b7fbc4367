import {Args, Flags} from '@oclif/core'
import path from 'node:path'

import {BaseCommand} from '../lib/base-command.js'
import {loadConfig} from '../lib/config/load.js'
import type {PackageResult} from '../lib/package/package.js'
import {packageFunctions} from '../lib/package/package.js'
import {reportPackage} from '../lib/package/report.js'

export default class Package extends BaseCommand<PackageResult> {
  static summary = 'Bundle functions and build layers into deterministic zips, within Lambda\'s limits.'
  static description =
    'Bundles each function with esbuild (or zips its directory with "bundle": false), builds the layers they use, checks Lambda\'s size limits and writes the zips with a manifest (SHA-256 as Lambda reports CodeSha256) to .sling/build.'
  static strict = false
  static args = {
    function: Args.string({description: 'Function keys to package (default: all functions and layers).', required: false}),
  }
  static examples = [
    '<%= config.bin %> package',
    '<%= config.bin %> package api worker --analyze',
    '<%= config.bin %> package --layer deps',
    '<%= config.bin %> package --json --out-dir build',
  ]
  static flags = {
    layer: Flags.string({summary: 'Build this layer (a key under "layers"); repeatable.', multiple: true, env: 'SLING_LAYER'}),
    'out-dir': Flags.string({summary: 'Directory for the zips and manifest.json (default: .sling/build beside the config).', env: 'SLING_OUT_DIR'}),
    analyze: Flags.boolean({summary: 'Show the largest modules of each bundle as a bar chart.', env: 'SLING_ANALYZE'}),
    concurrency: Flags.integer({summary: 'How many functions to package at once (default: CPUs, 2–8).', min: 1, max: 64, env: 'SLING_CONCURRENCY'}),
    cache: Flags.boolean({summary: 'Reuse the zip of a function whose inputs haven\'t changed since the last build; --no-cache rebuilds every one.', allowNo: true, default: true, env: 'SLING_CACHE'}),
  }

  private analyze = false

  async run(): Promise<PackageResult> {
    const {argv, flags} = await this.parse(Package)
    this.analyze = flags.analyze
    const config = await loadConfig({file: flags.config, stage: flags.stage, memo: flags.cache})
    return packageFunctions(
      {
        config,
        functions: argv as string[],
        layers: flags.layer ?? [],
        outDir: flags['out-dir'] === undefined ? undefined : path.resolve(flags['out-dir']), // a flag is relative to the working directory
        analyze: flags.analyze,
        concurrency: flags.concurrency,
        useCache: flags.cache,
      },
      {output: this.output(flags), signal: this.interrupts.signal, onInterrupt: this.interrupts.onInterrupt},
    )
  }

  protected override render(result: PackageResult): void {
    reportPackage(result, this.output(), {analyze: this.analyze})
  }
}
