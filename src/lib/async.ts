/** Small helpers for running asynchronous work. */

/**
 * Runs `task` over `items` with at most `limit` in flight, keeping the order of `items`. After a
 * failure no new task starts, and the first error is thrown once the running ones have settled
 * (so nothing is still writing when the caller reports it).
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  const errors: unknown[] = []
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length && errors.length === 0) {
      const index = next++
      try {
        results[index] = await task(items[index] as T, index)
      } catch (error) {
        errors.push(error)
      }
    }
  }
  await Promise.all(Array.from({length: Math.max(1, Math.min(limit, items.length))}, worker))
  if (errors.length > 0) throw errors[0]
  return results
}
