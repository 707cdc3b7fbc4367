import type {AliasInfo} from '../aws/types.js'

/** A version's share of an alias's traffic. */
export interface Weight {
  readonly version: string
  /** 0–100, to 0.01. */
  readonly percent: number
  /** True for a version the alias routes to (AdditionalVersionWeights), false for its own version. */
  readonly routed: boolean
}

const toPercent = (share: number): number => Math.round(share * 10_000) / 100

/** Who gets the alias's traffic: its own version first (what the routed versions leave), then each routed one. */
export function aliasWeights(alias: Pick<AliasInfo, 'version' | 'routing'>): Weight[] {
  const routed = Object.entries(alias.routing)
    .filter(([, share]) => share > 0)
    .map(([version, share]) => ({version, percent: toPercent(share), routed: true}))
  const rest = toPercent(1 - Object.values(alias.routing).reduce((sum, share) => sum + share, 0))
  return [{version: alias.version, percent: Math.max(0, rest), routed: false}, ...routed]
}

/** A bar of `width` cells for a percentage ("████░░░░"), for weights on a terminal. */
export function weightBar(percent: number, width = 20): string {
  const filled = Math.round((Math.min(100, Math.max(0, percent)) / 100) * width)
  return '█'.repeat(filled) + '░'.repeat(width - filled)
}

/** Version numbers newest first ("$LATEST" before all: it is always the newest code). */
export function newestFirst(a: string, b: string): number {
  const rank = (v: string): number => (v === '$LATEST' ? Number.POSITIVE_INFINITY : Number(v))
  return rank(b) - rank(a)
}
