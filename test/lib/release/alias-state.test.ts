import {describe, expect, test} from 'vitest'

import {
  ALIAS_DESCRIPTION_MAX,
  STRATEGY_MAX,
  USER_TEXT_ROOM,
  decodeDescription,
  encodeDescription,
  previousVersion,
} from '../../../src/lib/release/alias-state.js'
import type {AliasState} from '../../../src/lib/release/alias-state.js'

/** What `run` threw (fails when it returns). */
function thrownBy(run: () => unknown): Error & {code?: string; hints?: string[]} {
  try {
    run()
  } catch (error) {
    return error as Error & {code?: string; hints?: string[]}
  }
  throw new Error('expected it to throw')
}

const subject = {functionName: 'hello', alias: 'live'}
const T0 = Date.UTC(2025, 0, 1, 10, 0, 0)

/** The largest record sling writes: mid-rollout, routed, 6-digit versions, the longest strategy. */
const fullRollout: AliasState = {
  setTo: {version: '999998', routing: {'999999': 0.3333}},
  previousVersion: '999997',
  rollout: {targetVersion: '999999', strategy: 's'.repeat(STRATEGY_MAX), step: 999, startedAt: T0, stepStartedAt: T0 + 3_600_000},
}

describe('encode and decode', () => {
  test('a state round-trips with the user text kept exactly, spaces included', () => {
    for (const text of ['', 'Production', 'prod ', '  two leading', 'ünïcödé ✓', 'brackets [x] and ]']) {
      const decoded = decodeDescription(encodeDescription(text, fullRollout, subject))
      expect(decoded).toEqual({text, state: fullRollout})
    }
  })

  test('the record sits after the user text, readable in the console', () => {
    const description = encodeDescription('Production', {setTo: {version: '12', routing: {}}, previousVersion: '11'}, subject)
    expect(description).toBe('Production [sling:{"v":1,"c":"12","p":"11"}]')
  })

  test('times are kept to the second and weights to 0.01%', () => {
    const state: AliasState = {
      setTo: {version: '4', routing: {'5': 0.123456}},
      rollout: {targetVersion: '5', strategy: 'linear:10%:1m', step: 1, startedAt: T0 + 999, stepStartedAt: T0 + 60_500},
    }
    expect(decodeDescription(encodeDescription('', state, subject)).state).toEqual({
      setTo: {version: '4', routing: {'5': 0.1235}},
      previousVersion: undefined,
      rollout: {targetVersion: '5', strategy: 'linear:10%:1m', step: 1, startedAt: T0, stepStartedAt: T0 + 60_000},
    })
  })

  test('the largest record leaves USER_TEXT_ROOM characters for the user and fits in 256', () => {
    const text = 'u'.repeat(USER_TEXT_ROOM)
    const description = encodeDescription(text, fullRollout, subject)
    expect(description.length).toBeLessThanOrEqual(ALIAS_DESCRIPTION_MAX)
    expect(decodeDescription(description)).toEqual({text, state: fullRollout})
  })

  test('a user text too long to sit beside the record is refused, not cut', () => {
    const text = 'u'.repeat(200)
    const error = thrownBy(() => encodeDescription(text, fullRollout, subject))
    expect(error).toMatchObject({code: 'AliasDescriptionTooLong'})
    expect(error.message).toContain('is 200 characters; Lambda allows 256 for an alias description, and sling needs')
    expect(error.hints?.[0]).toMatch(/^Shorten the description to at most \d+ characters/)
    // Without a record the same text is fine.
    expect(encodeDescription(text, undefined, subject)).toBe(text)
  })

  test('a strategy sling could not read back is refused before anything is written', () => {
    const state: AliasState = {setTo: {version: '1', routing: {}}, rollout: {targetVersion: '2', strategy: 'x'.repeat(STRATEGY_MAX + 1), step: 0, startedAt: T0, stepStartedAt: T0}}
    expect(thrownBy(() => encodeDescription('', state, subject))).toMatchObject({code: 'AliasStateInvalid'})
  })
})

describe('descriptions sling did not write', () => {
  test('plain text, including text mentioning sling, is all user text', () => {
    for (const text of [undefined, '', 'Live traffic', 'deployed with [sling] last week', 'see [sling:docs]', '[sling:null]', '[sling:[1,2]]', '[sling:]']) {
      expect(decodeDescription(text)).toEqual({text: text ?? ''})
    }
  })

  test('garbage in the record is kept as text and reported, never thrown', () => {
    const garbage = ['x [sling:{not json}]', '[sling:{"v":1}]', '[sling:{"v":1,"c":"abc"}]', '[sling:{"v":"1","c":"2"}]', '[sling:{"v":1,"c":"2","extra":true}]', '[sling:{"v":1,"c":"2"} trailing]']
    for (const description of garbage) expect(decodeDescription(description)).toEqual({text: description, problem: 'unreadable'})
  })

  test('a record from a newer sling is kept whole and reported as such', () => {
    const description = 'prod [sling:{"v":2,"whatever":"new"}]'
    expect(decodeDescription(description)).toEqual({text: description, problem: 'newer-format'})
  })
})

describe('previousVersion', () => {
  const described = (state: AliasState): string => encodeDescription('', state, subject)

  test('is the recorded version while the alias is where sling left it', () => {
    const description = described({setTo: {version: '5', routing: {'6': 0.1}}, previousVersion: '4'})
    expect(previousVersion({version: '5', routing: {'6': 0.1}, description})).toEqual({status: 'recorded', version: '4'})
  })

  test('says the alias moved since when another tool moved it (the record would send rollback to the wrong place)', () => {
    const description = described({setTo: {version: '5', routing: {}}, previousVersion: '4'})
    expect(previousVersion({version: '7', routing: {}, description})).toEqual({status: 'moved-since', version: '4', slingLeftItOn: '5'})
    expect(previousVersion({version: '5', routing: {'7': 0.5}, description})).toMatchObject({status: 'moved-since'})
  })

  test('is none without a record, and unreadable with a damaged one', () => {
    expect(previousVersion({version: '5', routing: {}, description: 'Production'})).toEqual({status: 'none'})
    expect(previousVersion({version: '5', routing: {}, description: described({setTo: {version: '5', routing: {}}})})).toEqual({status: 'none'})
    expect(previousVersion({version: '5', routing: {}, description: '[sling:{"v":1'})).toEqual({status: 'none'}) // no closing bracket: not a record at all
    expect(previousVersion({version: '5', routing: {}, description: '[sling:{"v":1,"c":5}]'})).toEqual({status: 'unreadable', problem: 'unreadable'})
  })
})
