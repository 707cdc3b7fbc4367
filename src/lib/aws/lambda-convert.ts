import type {
  AliasConfiguration,
  ApplicationLogLevel,
  FunctionCode,
  FunctionConfiguration,
  FunctionEventInvokeConfig,
  GetAccountSettingsCommandOutput,
  GetProvisionedConcurrencyConfigCommandOutput,
  LayerVersionsListItem,
  Runtime,
  SystemLogLevel,
} from '@aws-sdk/client-lambda'

import type {AccountSettings, AliasInfo, CodeSource, EventInvokeConfig, FunctionInfo, FunctionSettings, LayerVersionSummary, ProvisionedConcurrencyInfo, VersionInfo} from './types.js'

// Between the SDK's shapes and sling's own (types.ts): the only place that knows both.

export function codeInput(code: CodeSource): FunctionCode {
  if ('zipFile' in code) return {ZipFile: code.zipFile}
  if ('imageUri' in code) return {ImageUri: code.imageUri}
  return {S3Bucket: code.s3Bucket, S3Key: code.s3Key, S3ObjectVersion: code.s3ObjectVersion}
}

type SettingsInput = Pick<
  FunctionConfiguration,
  'Runtime' | 'Handler' | 'Role' | 'MemorySize' | 'Timeout' | 'Description' | 'EphemeralStorage' | 'TracingConfig' | 'DeadLetterConfig' | 'LoggingConfig'
> & {
  Environment?: {Variables: Record<string, string>}
  Layers?: string[]
  VpcConfig?: {SubnetIds: string[]; SecurityGroupIds: string[]; Ipv6AllowedForDualStack?: boolean | undefined}
  ImageConfig?: {Command?: string[] | undefined; EntryPoint?: string[] | undefined; WorkingDirectory?: string | undefined}
}

/** The settings as CreateFunction / UpdateFunctionConfiguration take them; an unset setting is left out. */
export function settingsInput(s: FunctionSettings): SettingsInput {
  const {vpcConfig: vpc, loggingConfig: logging, imageConfig: image} = s
  return {
    Runtime: s.runtime as Runtime | undefined, Handler: s.handler, Role: s.role, MemorySize: s.memorySize, Timeout: s.timeout, Description: s.description,
    Environment: s.environment ? {Variables: {...s.environment}} : undefined, Layers: s.layers ? [...s.layers] : undefined,
    EphemeralStorage: s.ephemeralStorage === undefined ? undefined : {Size: s.ephemeralStorage},
    TracingConfig: s.tracing === undefined ? undefined : {Mode: s.tracing},
    DeadLetterConfig: s.deadLetterTargetArn === undefined ? undefined : {TargetArn: s.deadLetterTargetArn},
    VpcConfig: vpc ? {SubnetIds: [...vpc.subnetIds], SecurityGroupIds: [...vpc.securityGroupIds], Ipv6AllowedForDualStack: vpc.ipv6AllowedForDualStack} : undefined,
    LoggingConfig: logging
      ? {LogFormat: logging.logFormat, ApplicationLogLevel: logging.applicationLogLevel as ApplicationLogLevel | undefined, SystemLogLevel: logging.systemLogLevel as SystemLogLevel | undefined, LogGroup: logging.logGroup}
      : undefined,
    ImageConfig: image ? {Command: image.command ? [...image.command] : undefined, EntryPoint: image.entryPoint ? [...image.entryPoint] : undefined, WorkingDirectory: image.workingDirectory} : undefined,
  }
}

export function toFunctionInfo(c: FunctionConfiguration, extra: {code?: {ImageUri?: string}; tags?: Readonly<Record<string, string>>; reservedConcurrency?: number} = {}): FunctionInfo {
  const image = c.ImageConfigResponse?.ImageConfig
  return {
    name: c.FunctionName ?? '', arn: c.FunctionArn ?? '', version: c.Version ?? '$LATEST', packageType: c.PackageType === 'Image' ? 'Image' : 'Zip',
    runtime: c.Runtime, handler: c.Handler, role: c.Role ?? '', codeSha256: c.CodeSha256 ?? '', codeSize: c.CodeSize ?? 0, imageUri: extra.code?.ImageUri,
    memorySize: c.MemorySize, timeout: c.Timeout, description: c.Description || undefined, environment: c.Environment?.Variables ?? {},
    architecture: c.Architectures?.[0] === 'arm64' ? 'arm64' : 'x86_64', layers: (c.Layers ?? []).map((layer) => layer.Arn ?? ''), tags: extra.tags ?? {},
    state: c.State, stateReason: c.StateReason, lastUpdateStatus: c.LastUpdateStatus, lastUpdateStatusReason: c.LastUpdateStatusReason,
    revisionId: c.RevisionId, lastModified: c.LastModified, reservedConcurrency: extra.reservedConcurrency,
    ephemeralStorage: c.EphemeralStorage?.Size, tracing: c.TracingConfig?.Mode, deadLetterTargetArn: c.DeadLetterConfig?.TargetArn || undefined,
    vpcConfig: c.VpcConfig ? {subnetIds: c.VpcConfig.SubnetIds ?? [], securityGroupIds: c.VpcConfig.SecurityGroupIds ?? [], ipv6AllowedForDualStack: c.VpcConfig.Ipv6AllowedForDualStack} : undefined,
    loggingConfig: c.LoggingConfig
      ? {logFormat: c.LoggingConfig.LogFormat, applicationLogLevel: c.LoggingConfig.ApplicationLogLevel, systemLogLevel: c.LoggingConfig.SystemLogLevel, logGroup: c.LoggingConfig.LogGroup}
      : undefined,
    imageConfig: image ? {command: image.Command, entryPoint: image.EntryPoint, workingDirectory: image.WorkingDirectory} : undefined,
  }
}

export function toVersionInfo(v: FunctionConfiguration): VersionInfo {
  return {version: v.Version ?? '', arn: v.FunctionArn ?? '', codeSha256: v.CodeSha256 ?? '', description: v.Description || undefined, lastModified: v.LastModified, revisionId: v.RevisionId}
}

export function toAliasInfo(a: AliasConfiguration): AliasInfo {
  return {name: a.Name ?? '', arn: a.AliasArn ?? '', version: a.FunctionVersion ?? '', routing: a.RoutingConfig?.AdditionalVersionWeights ?? {}, description: a.Description || undefined, revisionId: a.RevisionId}
}

export function toProvisionedInfo(p: GetProvisionedConcurrencyConfigCommandOutput): ProvisionedConcurrencyInfo {
  return {
    requested: p.RequestedProvisionedConcurrentExecutions ?? 0, allocated: p.AllocatedProvisionedConcurrentExecutions ?? 0,
    available: p.AvailableProvisionedConcurrentExecutions ?? 0, status: p.Status ?? 'IN_PROGRESS', statusReason: p.StatusReason,
  }
}

export function toEventInvokeConfig(c: FunctionEventInvokeConfig): EventInvokeConfig {
  return {
    maximumRetryAttempts: c.MaximumRetryAttempts, maximumEventAgeSeconds: c.MaximumEventAgeInSeconds,
    onSuccess: c.DestinationConfig?.OnSuccess?.Destination, onFailure: c.DestinationConfig?.OnFailure?.Destination,
  }
}

export function eventInvokeConfigInput(c: EventInvokeConfig): Pick<FunctionEventInvokeConfig, 'MaximumRetryAttempts' | 'MaximumEventAgeInSeconds' | 'DestinationConfig'> {
  const destinations = c.onSuccess || c.onFailure
  return {
    MaximumRetryAttempts: c.maximumRetryAttempts, MaximumEventAgeInSeconds: c.maximumEventAgeSeconds,
    DestinationConfig: destinations ? {OnSuccess: c.onSuccess ? {Destination: c.onSuccess} : undefined, OnFailure: c.onFailure ? {Destination: c.onFailure} : undefined} : undefined,
  }
}

export function toAccountSettings(s: GetAccountSettingsCommandOutput): AccountSettings {
  const l = s.AccountLimit ?? {}
  return {
    limits: {
      totalCodeSize: l.TotalCodeSize ?? 0, codeSizeUnzipped: l.CodeSizeUnzipped ?? 0, codeSizeZipped: l.CodeSizeZipped ?? 0,
      concurrentExecutions: l.ConcurrentExecutions ?? 0, unreservedConcurrentExecutions: l.UnreservedConcurrentExecutions ?? 0,
    },
    usage: {totalCodeSize: s.AccountUsage?.TotalCodeSize ?? 0, functionCount: s.AccountUsage?.FunctionCount ?? 0},
  }
}

export function toLayerVersionSummary(v: LayerVersionsListItem): LayerVersionSummary {
  return {arn: v.LayerVersionArn ?? '', version: v.Version ?? 0, description: v.Description || undefined, createdDate: v.CreatedDate}
}
