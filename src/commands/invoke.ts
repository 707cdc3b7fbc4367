import {Args, Flags} from '@oclif/core'

import {AwsCommand} from '../lib/base-command.js'
import type {InterruptMode} from '../lib/interrupt.js'
import {readStdin} from '../lib/invoke/payload.js'
import type {InvokeRunResult} from '../lib/invoke/run.js'
import {mergeQualifier, runInvoke} from '../lib/invoke/run.js'
import {sourceEndpoint} from '../lib/invoke/source-endpoint.js'
import {resolveCommandTarget} from '../lib/targets.js'

export default class Invoke extends AwsCommand<InvokeRunResult> {
  static summary = 'Invoke a function: deployed, or straight from source; once, streamed, or repeatedly.'
  static description =
    'The response goes to stdout (pretty on a terminal, as is when piped: "sling invoke api | jq"); the status code, executed version and duration to stderr. A function error prints its type, message and stack and exits 3, apart from sling\'s own failures (1).'
  static examples = [
    '<%= config.bin %> invoke api --payload \'{"id": 1}\'',
    '<%= config.bin %> invoke api --event apigw --set rawPath=/orders --set body=\'{"id":1}\' --log',
    '<%= config.bin %> invoke shop-api --qualifier live --repeat 200 --concurrency 8',
    '<%= config.bin %> invoke api --from-source --watch --payload @event.json',
    '<%= config.bin %> invoke --list-events',
  ]
  static args = {function: Args.string({description: 'The function: its config key, deployed name or ARN (NAME:ALIAS names an alias).'})}
  static flags = {
    payload: Flags.string({char: 'p', summary: 'The event: JSON, @file.json, or - for stdin (stdin is read when it is piped).'}),
    event: Flags.string({char: 'e', summary: 'Send a realistic sample event of this type (see --list-events).'}),
    set: Flags.string({summary: 'Edit the event: PATH=VALUE (JSON when it parses, else text); repeatable.', multiple: true}),
    'list-events': Flags.boolean({summary: 'List the sample event types.'}),
    'print-event': Flags.boolean({summary: 'Print the sample event (after --set) instead of invoking.'}),
    qualifier: Flags.string({char: 'q', summary: 'Version or alias to invoke.'}),
    async: Flags.boolean({summary: 'Invoke asynchronously (InvocationType Event): queued, 202.'}),
    'dry-run': Flags.boolean({summary: 'Check permission and payload (InvocationType DryRun); nothing runs.'}),
    log: Flags.boolean({char: 'l', summary: "Print the tail of the invocation's log (LogType Tail)."}),
    'client-context': Flags.string({summary: 'JSON the function sees as context.clientContext.'}),
    stream: Flags.boolean({summary: 'InvokeWithResponseStream: print the response as it streams.'}),
    repeat: Flags.integer({summary: 'Invoke N times and summarise latency, errors, throttles and versions.', min: 1}),
    concurrency: Flags.integer({summary: 'Invocations in flight at once with --repeat (default 1).', min: 1}),
    'from-source': Flags.boolean({summary: "Run the handler from the project's source in the local runtime: no deploy."}),
    watch: Flags.boolean({summary: 'With --from-source: run again whenever the source changes.'}),
  }

  protected override readonly interruptMode: InterruptMode = 'graceful'

  async run(): Promise<InvokeRunResult> {
    const {args, flags, metadata} = await this.parse(Invoke)
    const resolved = args.function === undefined ? undefined : await resolveCommandTarget(args.function, {
      configFile: flags.config, configExplicit: !metadata.flags.config?.setFromDefault, stage: flags.stage, regionFlag: flags.region, allowQualifier: true,
    })
    const qualifier = mergeQualifier(resolved?.target.qualifier, flags.qualifier)
    const deps = this.deps({...flags, region: resolved?.region}, resolved?.config)
    const settings = this.awsSettings({...flags, region: resolved?.region ?? flags.region}, resolved?.config?.region)
    return runInvoke(
      {
        target: resolved?.target, config: resolved?.config, qualifier, log: flags.log, clientContext: flags['client-context'], stream: flags.stream,
        payload: {payload: flags.payload, event: flags.event, sets: flags.set},
        mode: flags.async ? 'async' : flags['dry-run'] ? 'dry-run' : 'sync',
        repeat: flags.repeat, concurrency: flags.concurrency, fromSource: flags['from-source'], watch: flags.watch,
        listEvents: flags['list-events'], printEvent: flags['print-event'], region: settings.region,
        endpoint: flags['from-source'] ? await sourceEndpoint(settings) : undefined,
      },
      {lambda: deps.lambda, output: this.output(flags), signal: this.interrupts.signal, signalled: () => this.interrupts.exitCode(), stdin: () => (flags.payload === undefined && flags.event === undefined) || flags.payload === '-' ? readStdin() : Promise.resolve(undefined)},
    )
  }
}
