// Writes schema/sling.config.schema.json from the zod schema (the single source of truth).
import {mkdirSync, writeFileSync} from 'node:fs'
import {configJsonSchema} from '../dist/lib/config/schema.js'

mkdirSync(new URL('../schema/', import.meta.url), {recursive: true})
writeFileSync(new URL('../schema/sling.config.schema.json', import.meta.url), `${JSON.stringify(configJsonSchema(), null, 2)}\n`)
