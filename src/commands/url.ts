import {Args, Flags} from '@oclif/core'

import {AwsCommand} from '../lib/base-command.js'
import {renderUrl} from '../lib/events/render.js'
import {loadEventFunction} from '../lib/events/target.js'
import type {UrlResult} from '../lib/events/url.js'
import {deleteUrl, putUrl} from '../lib/events/url.js'
import {resolveCommandTarget} from '../lib/targets.js'

export default class Url extends AwsCommand<UrlResult> {
  static summary = "Create or update a function's URL and print it; or delete it."
  static description = 'Auth is AWS_IAM (SigV4-signed requests only) unless you pass --auth NONE: then anyone on the internet can call the function, and sling adds the public permission only then.'
  static examples = [
    '<%= config.bin %> url api',
    '<%= config.bin %> url api --qualifier live --auth NONE --cors https://example.com',
    '<%= config.bin %> url api --delete',
    'curl "$(<%= config.bin %> url api --auth NONE)"',
  ]
  static args = {
    function: Args.string({description: 'The function: its config key, deployed name or ARN.', required: true}),
  }
  static flags = {
    qualifier: Flags.string({summary: 'The alias (or version) the URL invokes.', env: 'SLING_QUALIFIER'}),
    auth: Flags.string({summary: 'AWS_IAM (signed requests only) or NONE (public).', options: ['AWS_IAM', 'NONE'], default: 'AWS_IAM'}),
    cors: Flags.string({summary: 'An origin allowed to call the URL from a browser ("*" for any); repeatable.', multiple: true}),
    'cors-methods': Flags.string({summary: 'HTTP methods browsers may use (default "*").', multiple: true}),
    'cors-headers': Flags.string({summary: 'Request headers browsers may send.', multiple: true}),
    stream: Flags.boolean({summary: 'Stream the response (InvokeMode RESPONSE_STREAM).'}),
    delete: Flags.boolean({summary: "Delete the function's URL (and the public permission sling added for it)."}),
  }

  // Graceful: on Ctrl-C the URL sling just created (and couldn't record) is deleted again before the process exits.
  protected override readonly interruptMode = 'graceful'

  async run(): Promise<UrlResult> {
    const {args, flags, metadata} = await this.parse(Url)
    const {target, config, region} = await resolveCommandTarget(args.function, {configFile: flags.config, configExplicit: !metadata.flags.config?.setFromDefault, stage: flags.stage, regionFlag: flags.region})
    const {lambda} = this.deps({...flags, region}, config)
    const deps = {lambda, output: this.output(flags), signal: this.interrupts.signal}
    const fn = await loadEventFunction(target, flags.qualifier, deps)
    if (flags.delete) return deleteUrl(fn, deps)
    const cors = flags.cors ? {AllowOrigins: flags.cors, AllowMethods: flags['cors-methods'] ?? ['*'], AllowHeaders: flags['cors-headers']} : undefined
    return putUrl(fn, {authType: flags.auth as 'AWS_IAM' | 'NONE', cors, invokeMode: flags.stream ? 'RESPONSE_STREAM' : undefined, origin: 'cli'}, deps)
  }

  protected override render(result: UrlResult): void {
    renderUrl(result, this.output())
  }
}
