/**
 * Formats a byte count the way AWS states Lambda's limits: binary units labelled "MB"
 * (Lambda's "250 MB" is 262,144,000 bytes = 250 × 1024 × 1024).
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KB', 'MB', 'GB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`
}
