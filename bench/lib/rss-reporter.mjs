// Preloaded with `node --import` into a benchmarked process: writes its peak RSS (bytes) to $BENCH_RSS_FILE on exit.
import {writeFileSync} from 'node:fs'

process.on('exit', () => {
  if (process.env.BENCH_RSS_FILE) writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS * 1024))
})
