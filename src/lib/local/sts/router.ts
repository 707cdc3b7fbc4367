/** STS over the query protocol (signing name "sts"): a table of operations over the query codec. */
import type {LocalContext, ServiceRouter} from '../contract.js'
import {ServiceError} from '../contract.js'
import {validationMessage} from '../model/validate.js'
import type {RpcService} from '../protocols/rpc.js'
import {createRpcRouter} from '../protocols/rpc.js'
import type {StsScope} from './operations.js'
import {getAccessKeyInfo, getCallerIdentity} from './operations.js'

/** STS requests are a handful of short parameters (the largest, AssumeRole's policy, is 2,048 characters): 64 KiB holds any. */
const BODY_LIMIT = 64 * 1024

export const STS_SERVICE: RpcService<StsScope> = {
  signingName: 'sts',
  model: 'sts',
  query: {xmlNamespace: 'https://sts.amazonaws.com/doc/2011-06-15/'},
  operations: {
    GetCallerIdentity: getCallerIdentity,
    GetAccessKeyInfo: getAccessKeyInfo,
  },
  bodyLimit: BODY_LIMIT,
  tooLarge: () => new ServiceError(400, 'ValidationError', `The request body must be smaller than ${BODY_LIMIT} bytes.`),
  // What STS answers an action it doesn't have; operations it has that the local cloud lacks get the same.
  unknownOperation: (name, params) => new ServiceError(400, 'InvalidAction', `Could not find operation ${name ?? ''} for version ${params?.get('Version') ?? ''}`),
  validation: (problems) => new ServiceError(400, 'ValidationError', validationMessage(problems)),
  scope: (_request, context) => ({context}),
}

export function createStsRouter(context: LocalContext): ServiceRouter {
  return createRpcRouter(STS_SERVICE, context)
}
