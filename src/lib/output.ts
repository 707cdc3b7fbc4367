import ansis from 'ansis'
import type {Ora} from 'ora'

import {ExitCode, UserError} from './errors.js'

/** A column of a table: the header, how to read a cell, and which side to align it to. */
export interface Column<Row> {
  readonly header: string
  readonly get: (row: Row) => string
  readonly align?: 'left' | 'right'
}

type Style = (text: string) => string

/** Colour helpers; every one is the identity when colour is off. */
export interface Colors {
  readonly bold: Style
  readonly dim: Style
  readonly red: Style
  readonly green: Style
  readonly yellow: Style
  readonly cyan: Style
  readonly magenta: Style
  readonly blue: Style
}

/**
 * The only way workflows talk to the person at the terminal. stdout carries the result (a table,
 * a payload, a path); progress, warnings, spinners and prompts go to stderr.
 */
export interface Output {
  /** True when stderr is a terminal, CI is unset, TERM isn't dumb and --json is off. */
  readonly interactive: boolean
  readonly json: boolean
  readonly color: Colors
  info(message: string): void
  warn(message: string): void
  success(message: string): void
  /** Printed only with --verbose. */
  debug(message: string): void
  /** Human rendering of a result, on stdout; suppressed under --json. */
  result(text: string): void
  /**
   * One line of a result streamed as it comes (`sling logs --follow`), on stdout, also under --json: a
   * streamed result is JSON Lines there, one JSON document per line.
   */
  line(text: string): void
  /** True when stdout is a terminal: a result may be pretty-printed there, and is written as is when piped. */
  readonly stdoutTerminal: boolean
  /** Writes part of the result to stdout as is (no newline added), as it arrives; suppressed under --json. */
  write(data: string | Uint8Array): void
  table<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): void
  /** Runs `task` behind a spinner on a terminal, or prints plain start/end lines otherwise. */
  spin<T>(text: string, task: () => Promise<T>): Promise<T>
  /**
   * A status line that changes while a long task runs (a rollout's weights and countdown): an ora spinner on
   * a terminal; nothing elsewhere, where callers print their own lines. `log` prints a line above it.
   */
  progress(text: string): Progress
  /** Asks yes/no on a terminal; elsewhere fails with exit 2 unless `assumeYes`. */
  confirm(message: string, options: {readonly assumeYes: boolean; readonly flag?: string}): Promise<boolean>
  /** True when questions can be asked: stdin and stdout are terminals and --json is off. */
  readonly canPrompt: boolean
  /** Asks for a line of text on a terminal (only when `canPrompt`); `validate` returns an error message or true. */
  input(message: string, options?: {readonly default?: string; readonly validate?: (value: string) => string | true}): Promise<string>
  /** Asks to pick one of `choices` on a terminal (only when `canPrompt`). */
  select<T extends string>(message: string, choices: readonly Choice<T>[], options?: {readonly default?: T}): Promise<T>
}

/** One answer of a `select` question. */
export interface Choice<T extends string> {
  readonly value: T
  readonly name?: string
  readonly description?: string
}

/** A running status line (see Output.progress). */
export interface Progress {
  update(text: string): void
  /** Prints a line on stderr, above the status line on a terminal. */
  log(line: string): void
  stop(): void
}

export interface OutputOptions {
  readonly json?: boolean
  readonly verbose?: boolean
  readonly stdout?: NodeJS.WriteStream
  readonly stderr?: NodeJS.WriteStream
  readonly env?: NodeJS.ProcessEnv
}

function isInteractive(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): boolean {
  // A terminal of width 0 (the pty of `script` run without one, some CI runners) gets plain lines: ora 9
  // divides by the width to count the lines it must clear, and would clear Infinity of them, forever.
  return Boolean(stream.isTTY) && stream.columns !== 0 && !env.CI && env.TERM !== 'dumb'
}

function colorsFor(enabled: boolean): Colors {
  const wrap = (style: Style): Style => (enabled ? style : (text) => text)
  return {
    bold: wrap((t) => ansis.bold(t)),
    dim: wrap((t) => ansis.dim(t)),
    red: wrap((t) => ansis.red(t)),
    green: wrap((t) => ansis.green(t)),
    yellow: wrap((t) => ansis.yellow(t)),
    cyan: wrap((t) => ansis.cyan(t)),
    magenta: wrap((t) => ansis.magenta(t)),
    blue: wrap((t) => ansis.blue(t)),
  }
}

/** Lays rows out in aligned columns; plain text, so it reads the same piped or on a terminal. */
export function renderTable<Row>(rows: readonly Row[], columns: readonly Column<Row>[], colors?: Colors): string {
  const cells = rows.map((row) => columns.map((column) => column.get(row)))
  const widths = columns.map((column, i) => Math.max(column.header.length, ...cells.map((r) => visibleLength(r[i] ?? ''))))
  const pad = (text: string, i: number): string => {
    const fill = ' '.repeat(Math.max(0, (widths[i] ?? 0) - visibleLength(text)))
    return columns[i]?.align === 'right' ? fill + text : text + fill
  }
  const header = columns.map((column, i) => pad(column.header, i)).join('  ').trimEnd()
  const lines = [colors ? colors.bold(header) : header]
  for (const row of cells) lines.push(row.map((cell, i) => pad(cell, i)).join('  ').trimEnd())
  return lines.join('\n')
}

function visibleLength(text: string): number {
  return ansis.strip(text).length
}

export function createOutput(options: OutputOptions = {}): Output {
  const env = options.env ?? process.env
  const stdout = options.stdout ?? process.stdout
  const stderr = options.stderr ?? process.stderr
  const json = options.json ?? false
  const interactive = !json && isInteractive(stderr, env)
  const colorEnabled = !json && !env.NO_COLOR && env.FORCE_COLOR !== '0' && (Boolean(stderr.isTTY) || Boolean(env.FORCE_COLOR))
  const color = colorsFor(colorEnabled)
  const err = (line: string): void => void stderr.write(`${line}\n`)

  return {
    interactive,
    json,
    color,
    info: (message) => err(message),
    warn: (message) => err(`${color.yellow('Warning:')} ${message}`),
    success: (message) => err(`${color.green('✔')} ${message}`),
    debug: (message) => {
      if (options.verbose) err(color.dim(message))
    },
    result: (text) => {
      if (!json) stdout.write(`${text}\n`)
    },
    line: (text) => void stdout.write(`${text}\n`),
    stdoutTerminal: !json && Boolean(stdout.isTTY),
    write: (data) => {
      if (!json) stdout.write(data)
    },
    table: (rows, columns) => {
      if (!json) stdout.write(`${renderTable(rows, columns, color)}\n`)
    },
    async spin(text, task) {
      if (!interactive) {
        if (!json) err(`${text}…`)
        return task()
      }
      const {default: ora} = await import('ora')
      const spinner = ora({text, stream: stderr}).start()
      try {
        const value = await task()
        spinner.succeed()
        return value
      } catch (error) {
        spinner.fail()
        throw error
      }
    },
    progress(text) {
      if (!interactive) return {update: () => undefined, log: err, stop: () => undefined}
      let current = text
      let stopped = false
      let spinner: Ora | undefined
      void import('ora').then(({default: ora}) => {
        if (!stopped) spinner = ora({text: current, stream: stderr}).start()
      })
      return {
        update(next) {
          current = next
          if (spinner) spinner.text = next
        },
        log(line) {
          spinner?.clear()
          err(line)
          spinner?.render()
        },
        stop() {
          stopped = true
          spinner?.stop()
        },
      }
    },
    async confirm(message, {assumeYes, flag = '--yes'}) {
      if (assumeYes) return true
      if (json || !process.stdin.isTTY || !stdout.isTTY) {
        throw new UserError('ConfirmationRequired', `${message} needs confirmation, and there is no terminal to ask.`, {
          exitCode: ExitCode.Usage,
          hints: [`Pass ${flag} in CI or scripts.`],
        })
      }
      const {confirm} = await import('@inquirer/prompts')
      return confirm({message, default: false}, {output: stderr})
    },
    canPrompt: !json && Boolean(process.stdin.isTTY) && Boolean(stdout.isTTY),
    async input(message, {default: initial, validate} = {}) {
      const {input} = await import('@inquirer/prompts')
      return input({message, ...(initial === undefined ? {} : {default: initial}), ...(validate ? {validate} : {})}, {output: stderr})
    },
    async select(message, choices, {default: initial} = {}) {
      const {select} = await import('@inquirer/prompts')
      return select({message, choices: choices.map((c) => ({...c})), ...(initial === undefined ? {} : {default: initial})}, {output: stderr})
    },
  }
}

/** An Output that prints nothing, for tests and for library use. */
export function silentOutput(overrides: Partial<Output> = {}): Output {
  const base = createOutput({json: true, stdout: nullStream(), stderr: nullStream(), env: {}})
  return {...base, ...overrides}
}

function nullStream(): NodeJS.WriteStream {
  return {write: () => true, isTTY: false} as unknown as NodeJS.WriteStream
}
