// yazl on its own, so that zip.ts loads it only when it writes a zip (README "Performance"). yazl is the writing
// half of yauzl, which the local cloud reads zips with: one author, one reading of the format. It replaced
// archiver, which took ~50 ms to load (with lodash, readable-stream and glob) where yazl takes a few.
import yazl from 'yazl'

export const {ZipFile} = yazl
