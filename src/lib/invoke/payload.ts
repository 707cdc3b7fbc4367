/**
 * The payload of `sling invoke`: from --payload (JSON, or @file), a sample event (--event), or standard
 * input; edited by --set; checked as JSON and against Lambda's payload limits before anything is sent.
 */
import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {ExitCode, UserError} from '../errors.js'
import {displayPath} from '../paths.js'
import type {SampleEventContext} from './event-formats.js'
import {generateEvent} from './events.js'
import {applySets} from './set-path.js'

/** Lambda's request payload limits: 6 MB for a synchronous invocation, 1 MB for an asynchronous one. */
export const PAYLOAD_LIMITS = {sync: 6_291_456, async: 1_048_576} as const

/** Where a payload comes from, as the flags say. */
export interface PayloadOptions {
  /** --payload: JSON text, or "@file.json" (relative to `cwd`), or "-" for standard input. */
  readonly payload?: string | undefined
  /** --event: a sample event name. */
  readonly event?: string | undefined
  /** --set PATH=VALUE edits, in order. */
  readonly sets?: readonly string[] | undefined
  /** @default process.cwd() */
  readonly cwd?: string | undefined
}

export interface PayloadSources {
  /** Standard input's text, or undefined when it is a terminal (nothing to read). */
  readonly stdin: () => Promise<string | undefined>
  /** The function's region and account, for sample events; asked only for --event. */
  readonly whereabouts: () => Promise<Pick<SampleEventContext, 'region' | 'accountId'>>
}

/** The payload as JSON text. An empty payload becomes "{}", the event Lambda passes for none. */
export async function assemblePayload(options: PayloadOptions, sources: PayloadSources): Promise<string> {
  const sets = options.sets ?? []
  if (options.event !== undefined) {
    if (options.payload !== undefined) throw new UserError('PayloadConflict', 'Pass either --payload or --event, not both.', {exitCode: ExitCode.Usage, hints: ['Edit a sample event with --set PATH=VALUE instead.']})
    return JSON.stringify(generateEvent(options.event, await sources.whereabouts(), sets))
  }
  const {text, from} = await readRaw(options, sources)
  const payload = text.trim() === '' ? '{}' : text
  const parsed = parseJson(payload, from)
  if (sets.length === 0) return payload
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UserError('InvalidSet', `--set edits a JSON object, but the payload ${from} isn't one.`, {exitCode: ExitCode.Usage})
  }
  applySets(parsed as Record<string, unknown>, sets)
  return JSON.stringify(parsed)
}

async function readRaw(options: PayloadOptions, sources: PayloadSources): Promise<{text: string; from: string}> {
  const flag = options.payload
  if (flag === undefined || flag === '-') return {text: (await sources.stdin()) ?? '', from: 'from standard input'}
  if (!flag.startsWith('@')) return {text: flag, from: 'given with --payload'}
  const file = path.resolve(options.cwd ?? process.cwd(), flag.slice(1))
  try {
    return {text: await readFile(file, 'utf8'), from: `in ${displayPath(file)}`}
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new UserError('PayloadFileNotFound', code === 'ENOENT' ? `The payload file ${displayPath(file)} doesn't exist.` : `Can't read the payload file ${displayPath(file)} (${code ?? String(error)}).`, {
      exitCode: ExitCode.Usage,
      cause: error,
      hints: ['--payload @FILE reads FILE relative to the working directory; --payload \'{"key":"value"}\' passes JSON inline.'],
    })
  }
}

function parseJson(text: string, from: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw new UserError('InvalidPayload', `The payload ${from} isn't valid JSON: ${(error as Error).message}`, {
      exitCode: ExitCode.Usage,
      hints: ['Lambda takes a JSON document as the event. Quote a string as JSON: --payload \'"text"\'.'],
    })
  }
}

/**
 * Refuses a payload Lambda would refuse, before anything is sent: 6 MB (6,291,456 bytes) for a
 * synchronous invocation, 1 MB (1,048,576 bytes) for an asynchronous one.
 */
export function checkPayloadSize(payload: string, invocation: 'sync' | 'async'): void {
  const size = Buffer.byteLength(payload)
  const limit = PAYLOAD_LIMITS[invocation]
  if (size <= limit) return
  const fmt = (n: number): string => n.toLocaleString('en-US')
  throw new UserError('PayloadTooLarge', `The payload is ${fmt(size)} bytes; Lambda accepts at most ${fmt(limit)} bytes for ${invocation === 'sync' ? 'a synchronous' : 'an asynchronous (--async)'} invocation.`, {
    hints: [
      `Lambda's limits: ${fmt(PAYLOAD_LIMITS.sync)} bytes (6 MB) synchronous, ${fmt(PAYLOAD_LIMITS.async)} bytes (1 MB) asynchronous.`,
      'Put large input in S3 and pass its bucket and key in the payload instead.',
    ],
  })
}

/** Reads standard input to its end, unless it is a terminal (nobody is going to type a payload there). */
export async function readStdin(stdin: NodeJS.ReadStream = process.stdin): Promise<string | undefined> {
  if (stdin.isTTY) return undefined
  const chunks: Buffer[] = []
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)))
  return Buffer.concat(chunks).toString('utf8')
}
