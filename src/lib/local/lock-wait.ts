/**
 * What a process waiting for the store lock tells the person running it. A wait is normally a few
 * milliseconds; a long one means the holder is stopped (Ctrl-Z), stuck, or on another host: a container
 * that was killed leaves a lock no process on this machine can prove dead, so it is never taken over.
 */
import os from 'node:os'

import type {LockOwner} from './file-lock.js'

/** Who holds the lock, and what the person can do about it. */
export function describeLockHolder(file: string, holder: LockOwner | undefined): string {
  if (!holder) return `${file} was released meanwhile.`
  const since = holder.acquired ? ` since ${holder.acquired}` : ''
  if (holder.host !== undefined && holder.host !== os.hostname()) {
    return (
      `pid ${holder.pid} on host "${holder.host}" holds it${since}. Processes on another host (another machine or container) ` +
      `can't be checked from here, so their lock is never taken over: if that process is gone, delete ${file}.`
    )
  }
  return `pid ${holder.pid} on this machine holds it${since} and is still running (stopped with Ctrl-Z, or busy). It is waited for; stop that process to release it.`
}
