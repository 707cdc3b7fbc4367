import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/base-command.js'
import {ExitCode, UserError} from '../../lib/errors.js'
import {createFaultInjector} from '../../lib/local/faults.js'
import {serveLocalCloud} from '../../lib/local/serve.js'
import {hasFaults, NO_FAULTS} from '../../lib/local/settings.js'

export default class LocalServe extends BaseCommand<void> {
  static summary = 'Run the local cloud (Lambda, CloudWatch Logs, S3, IAM) as a long-lived server on 127.0.0.1.'
  static description =
    'Prints the endpoint and the environment variables that point the AWS CLI and SDKs at it. While it runs, sling commands with --local use it; it stops on Ctrl-C or SIGTERM.'
  static examples = ['<%= config.bin %> local serve', '<%= config.bin %> local serve --port 0 --store /tmp/cloud --json', 'SLING_LOCAL_FAULT_THROTTLE=0.3 <%= config.bin %> local serve']
  static flags = {
    port: Flags.integer({summary: 'Port to listen on (0: any free port).', default: 4599, min: 0, max: 65_535, env: 'SLING_LOCAL_PORT'}),
    store: Flags.string({summary: 'Directory of the local cloud\'s state (default: .sling/local).', env: 'SLING_LOCAL_STORE'}),
    'state-delay': Flags.integer({summary: 'Milliseconds functions stay Pending/InProgress after a change.', min: 0, env: 'SLING_LOCAL_STATE_DELAY_MS'}),
    'fault-throttle': Flags.string({summary: 'Fraction (0–1) of calls answered with throttling errors.', env: 'SLING_LOCAL_FAULT_THROTTLE'}),
    'fault-5xx': Flags.string({summary: 'Fraction (0–1) of calls answered with 500/503 errors.', env: 'SLING_LOCAL_FAULT_5XX'}),
    'fault-latency': Flags.integer({summary: 'Milliseconds added to every call.', min: 0, env: 'SLING_LOCAL_FAULT_LATENCY_MS'}),
    'fault-seed': Flags.integer({summary: 'Seed that makes the injected faults reproducible.', env: 'SLING_LOCAL_FAULT_SEED'}),
    'fault-ops': Flags.string({summary: 'Only inject faults into these services/operations (e.g. s3,lambda:Invoke).', env: 'SLING_LOCAL_FAULT_OPS'}),
    // The only AWS flag the server uses: the region it tells clients to sign for.
    region: Flags.string({summary: 'Region printed in AWS_REGION for clients (default: AWS_REGION, then us-east-1).'}),
  }

  // Ctrl-C and SIGTERM are how a server is stopped: it shuts down and exits 0.
  protected override readonly interruptMode = 'graceful'

  async run(): Promise<void> {
    const {flags} = await this.parse(LocalServe)
    const faults = {
      throttle: fraction(flags['fault-throttle'], 'fault-throttle'),
      serverError: fraction(flags['fault-5xx'], 'fault-5xx'),
      latencyMs: flags['fault-latency'],
      seed: flags['fault-seed'],
      ops: flags['fault-ops']?.split(',').map((op) => op.trim()).filter(Boolean),
    }
    const {signal} = this.interrupts
    const stopped = new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), {once: true})))
    await serveLocalCloud(
      {
        storeDir: flags.store,
        port: flags.port,
        region: flags.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION,
        settings: {faults: hasFaults(faults) ? createFaultInjector(faults) : NO_FAULTS, ...(flags['state-delay'] === undefined ? {} : {stateDelayMs: flags['state-delay']})},
        stopped,
      },
      {output: this.output(flags), onListening: (info) => this.jsonEnabled() && this.logJson(info)},
    )
  }
}

function fraction(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined
  const value = Number(text)
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw new UserError('Usage', `--${flag} must be a fraction between 0 and 1, got "${text}".`, {exitCode: ExitCode.Usage, hints: ['For example: --fault-throttle 0.3 answers 30% of calls with throttling errors.']})
  }
  return value
}
