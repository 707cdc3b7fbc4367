// archiver on its own, so that zip.ts can load it only when it writes a zip (README "Performance").
import archiver from 'archiver'

export {archiver}
