import path from 'node:path'

import type {Output} from '../output.js'
import {displayPath} from '../paths.js'
import type {InitResult} from './init.js'

/** The files written and what to run next: the result on stdout. */
export function renderInit(result: InitResult, output: Output): void {
  const fn = result.function
  const lines = result.files.map((file) => `  ${file.action.padEnd(11)} ${file.path}`)
  const cd = path.resolve(result.dir) === process.cwd() ? [] : [`cd ${displayPath(result.dir)}`]
  const install = fn.language === 'ts' ? ['npm install'] : []
  const next = [...cd, ...install, 'npm test', 'sling deploy --local --create-role', `sling invoke ${fn.key} --event ${fn.event} --local`]
  output.result([`${result.status === 'created' ? 'Created' : 'Added'} ${fn.key} (${fn.template}, ${fn.language === 'ts' ? 'TypeScript' : 'JavaScript'}, ${fn.runtime}, ${fn.architecture}, ${fn.memorySize} MB, ${fn.timeout} s):`, ...lines, '', 'Next:', ...next.map((line) => `  ${line}`)].join('\n'))
}
