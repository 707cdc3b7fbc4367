import {AwsCommand} from '../lib/base-command.js'
import {resolveStoreDir} from '../lib/local/settings.js'
import type {DoctorResult} from '../lib/ops/doctor.js'
import {doctor, reachUrl} from '../lib/ops/doctor.js'
import {renderDoctor} from '../lib/ops/render.js'

export default class Doctor extends AwsCommand<DoctorResult> {
  static summary = 'Check what can go wrong before a deploy, and say how to fix it.'
  static description =
    "Checks Node.js, the config, the region, that the endpoint answers, the credentials and who they belong to (STS GetCallerIdentity), each execution role (trust policy, and permissions for what the config uses), the functions' runtimes against AWS's deprecation dates, and with --local the local cloud's store. Exits 1 when a check fails."
  static examples = ['<%= config.bin %> doctor', '<%= config.bin %> doctor --local', '<%= config.bin %> doctor --profile prod --json']

  async run(): Promise<DoctorResult> {
    const {flags, metadata} = await this.parse(Doctor)
    const deps = this.deps(flags)
    const options = {
      configFile: flags.config, configExplicit: !metadata.flags.config?.setFromDefault, stage: flags.stage, nodeVersion: process.versions.node,
      today: new Date().toISOString().slice(0, 10), local: flags.local, storeDir: flags.local ? resolveStoreDir() : undefined,
      endpointUrl: flags['endpoint-url'] ?? process.env.AWS_ENDPOINT_URL,
    }
    return doctor(options, {sts: deps.sts, iam: deps.iam, ops: deps.ops, region: () => deps.region(), reach: reachUrl})
  }

  protected override render(result: DoctorResult): void {
    renderDoctor(result, this.output())
  }
}
