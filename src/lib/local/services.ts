import {createCloudWatchRouter} from './cloudwatch/router.js'
import type {RouterFactory} from './contract.js'
import {createIamRouter} from './iam/router.js'
import {createLambdaRouter} from './lambda/router.js'
import {createFunctionUrlRouter} from './lambda/url-router.js'
import {createLogsRouter} from './logs/router.js'
import {createS3Router} from './s3/router.js'
import {createSqsRouter} from './sqs/router.js'
import {createStsRouter} from './sts/router.js'

/**
 * The services the local cloud serves, each a router over its protocol's codec and the shared store
 * (server.ts creates them and wires their hooks). Adding a service is one line here and its module:
 * for an RPC service (JSON or query), a table for protocols/rpc.ts and its operations.
 */
export const SERVICE_ROUTERS: readonly RouterFactory[] = [createS3Router, createIamRouter, createLogsRouter, createCloudWatchRouter, createLambdaRouter, createFunctionUrlRouter, createStsRouter, createSqsRouter]
