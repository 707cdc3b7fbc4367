/**
 * sling's record of an alias, kept in the alias itself so any machine can read it: where the alias was
 * before sling last moved it (what `sling rollback` returns to) and the rollout in progress, if any.
 *
 * Lambda's only per-alias storage is the Description (at most 256 characters), which the user may also
 * use. So the record is a compact JSON object appended to the user's own text:
 *
 *     Production traffic [sling:{"v":1,"c":"12","p":"11"}]
 *
 * Decoding never throws and never drops the user's text: a description sling didn't write is all text,
 * and a record sling can't read stays part of the text.
 */
import {z} from 'zod'

import {UserError} from '../errors.js'
import type {AliasInfo} from '../aws/types.js'

/** Lambda's limit on an alias description (the model's Description shape: max 256). */
export const ALIAS_DESCRIPTION_MAX = 256
/** Longest rollout strategy the record holds, in its short form ("canary:10%:5m", "steps:10,50,100@5m"). */
export const STRATEGY_MAX = 48
/**
 * Room the user's own text always has beside the largest record (a rollout mid-way, with routing, versions
 * of up to 6 digits and the longest strategy): a description this long never stops a rollout.
 */
export const USER_TEXT_ROOM = 64

const MARK = '[sling:'
const END = ']'
/** The record's format. A change to its fields is a new number; an older sling refuses to overwrite a newer one. */
const FORMAT = 1
/** Weights are stored to 0.01% (Lambda's weights are shares of 1). */
const WEIGHT_DECIMALS = 4

/** A rollout in progress on the alias (issue 9 writes it; `rollout --resume` and `rollback` read it). */
export interface RolloutRecord {
  /** The version being rolled out. */
  readonly targetVersion: string
  /** The strategy in its short form, at most STRATEGY_MAX characters of [A-Za-z0-9:%,@.+_-]. */
  readonly strategy: string
  /** The step the rollout is on, from 0. */
  readonly step: number
  /** When the rollout started, epoch ms (kept to the second). */
  readonly startedAt: number
  /** When the current step started, epoch ms (kept to the second). */
  readonly stepStartedAt: number
}

/** What sling remembers about an alias. */
export interface AliasState {
  /** The version and routing sling left the alias on: if it is elsewhere now, something else moved it. */
  readonly setTo: {readonly version: string; readonly routing: Readonly<Record<string, number>>}
  /** The version the alias pointed to before sling last moved it: where rollback returns. */
  readonly previousVersion?: string | undefined
  readonly rollout?: RolloutRecord | undefined
}

/** An alias description, split into the user's text and sling's record. */
export interface DecodedDescription {
  /** The user's own description, exactly as written (empty when there is none). */
  readonly text: string
  readonly state?: AliasState | undefined
  /** Why something that looks like sling's record wasn't read; it is then kept as part of `text`. */
  readonly problem?: 'unreadable' | 'newer-format' | undefined
}

const VERSION = z.string().regex(/^(\$LATEST|[0-9]{1,10})$/)
const STRATEGY = z.string().max(STRATEGY_MAX).regex(/^[A-Za-z0-9:%,@.+_-]*$/)
const SECONDS = z.number().int().nonnegative()
const WireV1 = z.strictObject({
  v: z.literal(FORMAT),
  c: VERSION,
  w: z.record(z.string().regex(/^[0-9]{1,10}$/), z.number().min(0).max(1)).optional(),
  p: VERSION.optional(),
  r: z.strictObject({to: VERSION, s: STRATEGY, i: z.number().int().min(0).max(999), t0: SECONDS, ti: SECONDS}).optional(),
})
type WireV1 = z.infer<typeof WireV1>

/** Splits a description into the user's text and sling's record. Never throws. */
export function decodeDescription(description: string | undefined): DecodedDescription {
  const whole = description ?? ''
  const at = whole.lastIndexOf(MARK)
  const body = at < 0 || !whole.endsWith(END) ? '' : whole.slice(at + MARK.length, -END.length)
  if (!body.startsWith('{')) return {text: whole} // "[sling:docs]" is someone's text, not a record
  let raw: unknown
  try {
    raw = JSON.parse(body)
  } catch {
    return {text: whole, problem: 'unreadable'}
  }
  const format = (raw as {v?: unknown} | null)?.v
  if (typeof format === 'number' && format > FORMAT) return {text: whole, problem: 'newer-format'}
  const parsed = WireV1.safeParse(raw)
  if (!parsed.success) return {text: whole, problem: 'unreadable'}
  // encodeDescription puts one space between the text and the record: take back exactly that one.
  const before = whole.slice(0, at)
  return {text: before.endsWith(' ') ? before.slice(0, -1) : before, state: fromWire(parsed.data)}
}

/** Where a description is written, for error messages. */
export interface DescriptionSubject {
  readonly functionName: string
  readonly alias: string
}

/**
 * The description holding `text` and `state`. Refuses, rather than cut the user's text, when the two
 * don't fit in Lambda's 256 characters.
 */
export function encodeDescription(text: string, state: AliasState | undefined, subject: DescriptionSubject): string {
  if (!state) return checkLength(text, text, 0, subject)
  const record = `${MARK}${JSON.stringify(toWire(state, subject))}${END}`
  const description = text === '' ? record : `${text} ${record}`
  return checkLength(description, text, record.length, subject)
}

function checkLength(description: string, text: string, recordLength: number, {functionName, alias}: DescriptionSubject): string {
  if (description.length <= ALIAS_DESCRIPTION_MAX) return description
  const room = Math.max(0, ALIAS_DESCRIPTION_MAX - recordLength - (recordLength > 0 ? 1 : 0))
  const needs = recordLength > 0 ? `, and sling needs ${recordLength} of them to record where the alias was (for "sling rollback")` : ''
  throw new UserError(
    'AliasDescriptionTooLong',
    `The description of alias "${alias}" of function "${functionName}" is ${text.length} characters; Lambda allows ${ALIAS_DESCRIPTION_MAX} for an alias description${needs}. sling didn't change the alias.`,
    {hints: [`Shorten the description to at most ${room} characters (${USER_TEXT_ROOM} always fit), e.g. "aws lambda update-alias --function-name ${functionName} --name ${alias} --description 'short text'", then run the command again.`]},
  )
}

function toWire(state: AliasState, subject: DescriptionSubject): WireV1 {
  const routing = Object.entries(state.setTo.routing)
  const wire: WireV1 = {
    v: FORMAT,
    c: state.setTo.version,
    ...(routing.length > 0 ? {w: Object.fromEntries(routing.map(([version, weight]) => [version, roundWeight(weight)]))} : {}),
    ...(state.previousVersion === undefined ? {} : {p: state.previousVersion}),
    ...(state.rollout ? {r: rolloutToWire(state.rollout)} : {}),
  }
  // sling's own bug if this fails (a strategy too long, a version that isn't one): say so before writing.
  const checked = WireV1.safeParse(wire)
  if (!checked.success) {
    throw new UserError('AliasStateInvalid', `sling can't record this state on alias "${subject.alias}" of function "${subject.functionName}": ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`)
  }
  return checked.data
}

function rolloutToWire(r: RolloutRecord): NonNullable<WireV1['r']> {
  return {to: r.targetVersion, s: r.strategy, i: r.step, t0: Math.floor(r.startedAt / 1000), ti: Math.floor(r.stepStartedAt / 1000)}
}

function fromWire(wire: WireV1): AliasState {
  const {r} = wire
  return {
    setTo: {version: wire.c, routing: wire.w ?? {}},
    previousVersion: wire.p,
    rollout: r ? {targetVersion: r.to, strategy: r.s, step: r.i, startedAt: r.t0 * 1000, stepStartedAt: r.ti * 1000} : undefined,
  }
}

function roundWeight(weight: number): number {
  const scale = 10 ** WEIGHT_DECIMALS
  return Math.round(weight * scale) / scale
}

/** True when the alias is where `state` says sling left it (routing compared to the stored precision). */
export function isWhereSlingLeftIt(alias: Pick<AliasInfo, 'version' | 'routing'>, state: AliasState): boolean {
  if (alias.version !== state.setTo.version) return false
  const now = Object.entries(alias.routing).filter(([, weight]) => weight > 0)
  const then = Object.entries(state.setTo.routing).filter(([, weight]) => weight > 0)
  if (now.length !== then.length) return false
  return now.every(([version, weight]) => Math.abs(roundWeight(weight) - (state.setTo.routing[version] ?? -1)) < 10 ** -(WEIGHT_DECIMALS + 1))
}

/** Where `sling rollback` would return the alias, as far as its record says. */
export type PreviousVersion =
  | {readonly status: 'recorded'; readonly version: string}
  /** sling never recorded a move of this alias (it was created, or only moved by other tools). */
  | {readonly status: 'none'}
  /** sling recorded `version`, but the alias has been moved by something else since (it left it on `slingLeftItOn`). */
  | {readonly status: 'moved-since'; readonly version: string; readonly slingLeftItOn: string}
  /** The record is damaged, or written by a newer sling. */
  | {readonly status: 'unreadable'; readonly problem: 'unreadable' | 'newer-format'}

/** The version the alias pointed to before sling last moved it, if the alias is still where sling left it. */
export function previousVersion(alias: Pick<AliasInfo, 'version' | 'routing' | 'description'>): PreviousVersion {
  const {state, problem} = decodeDescription(alias.description)
  if (problem) return {status: 'unreadable', problem}
  if (state?.previousVersion === undefined) return {status: 'none'}
  if (!isWhereSlingLeftIt(alias, state)) return {status: 'moved-since', version: state.previousVersion, slingLeftItOn: state.setTo.version}
  return {status: 'recorded', version: state.previousVersion}
}
