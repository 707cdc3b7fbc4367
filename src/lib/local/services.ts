import {createIamRouter} from './iam/router.js'
import {createLambdaRouter} from './lambda/router.js'
import {createLogsRouter} from './logs/router.js'
import {createS3Router} from './s3/router.js'
import type {RouterFactory} from './server.js'

/**
 * The service routers the local cloud serves: one per AWS protocol, over the shared store.
 * Adding a service is one line here and one router module.
 */
export const SERVICE_ROUTERS: readonly RouterFactory[] = [
  createS3Router,
  createIamRouter,
  createLogsRouter,
  createLambdaRouter,
]
