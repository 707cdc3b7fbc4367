/**
 * Who a process is, precisely enough to tell later whether it is still running: a pid alone is not
 * (pids are reused, quickly so in a fresh container), so a process is its pid, the host it runs on,
 * and its start identity (on Linux the boot id and the start tick, on macOS/BSD the start time).
 */
import {execFile} from 'node:child_process'
import {readFile} from 'node:fs/promises'
import os from 'node:os'

export interface ProcessIdentity {
  readonly pid: number
  /** os.hostname() of the process; a process of another host (a shared file system) can't be checked. */
  readonly host?: string
  /** Differs between two processes that had the same pid; absent where the platform can't tell. */
  readonly start?: string
}

/** Whether a pid exists (a zombie counts as gone); undefined for "exists, start unknown". */
async function startOf(pid: number): Promise<string | null | undefined> {
  if (process.platform === 'linux') return linuxStart(pid)
  if (process.platform === 'darwin' || process.platform.endsWith('bsd')) return psStart(pid)
  return undefined
}

let bootId: Promise<string> | undefined

/**
 * `<boot id>:<start tick>`, or null when the process is gone or a zombie (killed, not yet reaped);
 * undefined when its entry can't be read for another reason (EMFILE, EACCES…): that says nothing
 * about whether it runs, and a lock must never be broken on a guess.
 */
async function linuxStart(pid: number): Promise<string | null | undefined> {
  let stat: string
  try {
    stat = await readFile(`/proc/${pid}/stat`, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    return code === 'ENOENT' || code === 'ESRCH' ? null : undefined
  }
  // The command name (field 2) may hold spaces and parentheses: count fields after the last ")".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  if (fields[0] === 'Z' || fields[0] === 'X') return null
  bootId ??= readFile('/proc/sys/kernel/random/boot_id', 'utf8').then((id) => id.trim(), () => '')
  return `${await bootId}:${fields[19] ?? ''}`
}

const psCache = new Map<number, {at: number; start: Promise<string | null | undefined>}>()

/** The start time `ps` prints; cached for a second, as spawning `ps` on every poll of a lock would be slow. */
function psStart(pid: number): Promise<string | null | undefined> {
  const cached = psCache.get(pid)
  if (cached && Date.now() - cached.at < 1000) return cached.start
  const start = new Promise<string | null | undefined>((resolve) => {
    // The same locale and time zone in every sling process: the printed start time must compare equal.
    execFile('ps', ['-o', 'lstart=', '-p', String(pid)], {env: {PATH: process.env.PATH, LC_ALL: 'C', TZ: 'UTC'}}, (error, stdout) => {
      if (error) resolve((error as {code?: unknown}).code === 1 ? null : undefined) // ps exits 1 when no such process
      else resolve(stdout.trim() || null)
    })
  })
  psCache.set(pid, {at: Date.now(), start})
  return start
}

let current: Promise<ProcessIdentity> | undefined

/** This process. */
export function currentProcess(): Promise<ProcessIdentity> {
  current ??= startOf(process.pid).then((start) => ({pid: process.pid, host: os.hostname(), ...(start ? {start} : {})}))
  return current
}

/**
 * False only when the process is certainly gone: no such pid, a zombie, or the pid now belongs to a
 * process started later. A process of another host, or one whose start can't be read, counts as alive:
 * taking its lock could break a live holder, waiting is always safe.
 */
export async function isProcessAlive(owner: ProcessIdentity): Promise<boolean> {
  if (!Number.isInteger(owner.pid) || owner.pid <= 0) return false
  if (owner.host !== undefined && owner.host !== os.hostname()) return true
  let foreign = false // another user's process: it exists, but its /proc entry may be hidden (hidepid)
  try {
    process.kill(owner.pid, 0)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false // only "no such process" proves it gone
    foreign = true
  }
  const start = await startOf(owner.pid)
  if (start === null) return foreign
  return owner.start === undefined || start === undefined || start === owner.start
}
