import type {Metafile} from 'esbuild'

import {formatBytes} from '../format.js'
import type {Colors} from '../output.js'
import type {Contributor} from './limits.js'

/** The modules of a bundle by the bytes they add to the output, largest first (esbuild's metafile). */
export function bundleModules(metafile: Metafile): Contributor[] {
  const totals = new Map<string, number>()
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, {bytesInOutput}] of Object.entries(output.inputs)) {
      totals.set(input, (totals.get(input) ?? 0) + bytesInOutput)
    }
  }
  return [...totals].map(([name, bytes]) => ({name, bytes})).filter((m) => m.bytes > 0).sort((a, b) => b.bytes - a.bytes || (a.name < b.name ? -1 : 1))
}

/**
 * A horizontal bar chart, one line per item: size, share of the total, bar, name.
 * Plain characters, so it reads the same piped; colour only where the terminal has it.
 */
export function renderBars(items: readonly Contributor[], total: number, colors: Colors, width = 30): string {
  const max = Math.max(1, ...items.map((item) => item.bytes))
  return items
    .map((item) => {
      const filled = Math.max(1, Math.round((item.bytes / max) * width))
      const share = total > 0 ? `${((item.bytes / total) * 100).toFixed(1)}%` : ''
      return `  ${formatBytes(item.bytes).padStart(9)} ${share.padStart(6)}  ${colors.cyan('█'.repeat(filled))}${' '.repeat(width - filled)}  ${item.name}`
    })
    .join('\n')
}
