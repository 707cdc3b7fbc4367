import type {
  AliasConfiguration,
  FunctionCode,
  FunctionConfiguration,
  FunctionEventInvokeConfig,
  GetAccountSettingsCommandOutput,
  GetProvisionedConcurrencyConfigCommandOutput,
  Runtime,
} from '@aws-sdk/client-lambda'

import type {AccountSettings, AliasInfo, CodeSource, EventInvokeConfig, FunctionInfo, FunctionSettings, ProvisionedConcurrencyInfo, VersionInfo} from './types.js'

// Between the SDK's shapes and sling's own (types.ts): the only place that knows both.

export function codeInput(code: CodeSource): FunctionCode {
  if ('zipFile' in code) return {ZipFile: code.zipFile}
  if ('imageUri' in code) return {ImageUri: code.imageUri}
  return {S3Bucket: code.s3Bucket, S3Key: code.s3Key, S3ObjectVersion: code.s3ObjectVersion}
}

export function settingsInput(s: FunctionSettings): Partial<FunctionConfiguration> & {Environment?: {Variables: Record<string, string>}; Layers?: string[]} {
  return {
    Runtime: s.runtime as Runtime | undefined, Handler: s.handler, Role: s.role, MemorySize: s.memorySize, Timeout: s.timeout, Description: s.description,
    Environment: s.environment ? {Variables: {...s.environment}} : undefined, Layers: s.layers ? [...s.layers] : undefined,
  }
}

export function toFunctionInfo(c: FunctionConfiguration, extra: {code?: {ImageUri?: string}; tags?: Readonly<Record<string, string>>; reservedConcurrency?: number} = {}): FunctionInfo {
  return {
    name: c.FunctionName ?? '', arn: c.FunctionArn ?? '', version: c.Version ?? '$LATEST', packageType: c.PackageType === 'Image' ? 'Image' : 'Zip',
    runtime: c.Runtime, handler: c.Handler, role: c.Role ?? '', codeSha256: c.CodeSha256 ?? '', codeSize: c.CodeSize ?? 0, imageUri: extra.code?.ImageUri,
    memorySize: c.MemorySize, timeout: c.Timeout, description: c.Description || undefined, environment: c.Environment?.Variables ?? {},
    architecture: c.Architectures?.[0] === 'arm64' ? 'arm64' : 'x86_64', layers: (c.Layers ?? []).map((layer) => layer.Arn ?? ''), tags: extra.tags ?? {},
    state: c.State, stateReason: c.StateReason, lastUpdateStatus: c.LastUpdateStatus, lastUpdateStatusReason: c.LastUpdateStatusReason,
    revisionId: c.RevisionId, lastModified: c.LastModified, reservedConcurrency: extra.reservedConcurrency,
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
