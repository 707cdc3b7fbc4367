import {randomBytes} from 'node:crypto'
import type {ServerResponse} from 'node:http'

import {XMLBuilder} from 'fast-xml-parser'

import {BodyTooLargeError} from '../body.js'
import type {LocalContext, LocalRequest, ProtocolError, ServiceRouter} from '../server.js'
import {IamError} from './errors.js'
import {attachRolePolicy, createRole, deleteRole, deleteRolePolicy, detachRolePolicy, getRole, getRolePolicy, listAttachedRolePolicies, listRolePolicies, listRoles, putRolePolicy} from './roles.js'

const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/'
/**
 * Query requests are form-encoded parameters; the largest IAM accepts are policy documents of at most
 * 131,072 characters, up to 3 bytes each once percent-encoded, so 1 MiB holds any valid request.
 */
const BODY_LIMIT = 1024 * 1024
const builder = new XMLBuilder({ignoreAttributes: false, suppressEmptyNode: false})

/** An action's result element (`<XResult>`), or undefined for actions with no output. */
type Action = (params: URLSearchParams, context: LocalContext) => Promise<Record<string, unknown> | undefined>

const ACTIONS: Record<string, Action> = {
  CreateRole: createRole,
  GetRole: getRole,
  DeleteRole: deleteRole,
  ListRoles: listRoles,
  AttachRolePolicy: attachRolePolicy,
  DetachRolePolicy: detachRolePolicy,
  ListAttachedRolePolicies: listAttachedRolePolicies,
  PutRolePolicy: putRolePolicy,
  GetRolePolicy: getRolePolicy,
  DeleteRolePolicy: deleteRolePolicy,
  ListRolePolicies: listRolePolicies,
}

/** The Query parameters: the form-encoded body of a POST, else the URL's query string. */
async function readParams(request: LocalRequest): Promise<URLSearchParams> {
  if (request.method !== 'POST') return new URLSearchParams(request.url.search)
  try {
    return new URLSearchParams((await request.body(BODY_LIMIT)).toString('utf8'))
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw new IamError(400, 'ValidationError', `The request body must be smaller than ${BODY_LIMIT} bytes.`)
    throw error
  }
}

function requestId(): string {
  const hex = randomBytes(16).toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

function sendXml(response: ServerResponse, status: number, root: string, body: Record<string, unknown>, id: string): void {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n${String(builder.build({[root]: {'@_xmlns': IAM_NS, ...body}}))}`
  response.writeHead(status, {'content-type': 'text/xml', 'content-length': String(Buffer.byteLength(xml)), 'x-amzn-requestid': id})
  response.end(xml)
}

/** IAM over the Query protocol (signing name "iam"; global, signed for us-east-1). */
export function createIamRouter(context: LocalContext): ServiceRouter {
  const writeError = (response: ServerResponse, error: ProtocolError): void => {
    const id = requestId()
    sendXml(response, error.status, 'ErrorResponse', {Error: {Type: error.status >= 500 ? 'Receiver' : 'Sender', Code: error.code, Message: error.message}, RequestId: id}, id)
  }
  return {
    service: 'iam',
    operation: (request: LocalRequest) => request.url.searchParams.get('Action') ?? undefined,
    writeError,
    async handle(request, response) {
      try {
        const params = await readParams(request)
        const name = params.get('Action') ?? ''
        const action = ACTIONS[name]
        if (!action) throw new IamError(400, 'InvalidAction', `Could not find operation ${name} for version ${params.get('Version') ?? ''}`)
        const result = await action(params, context)
        const id = requestId()
        sendXml(response, 200, `${name}Response`, {...(result ? {[`${name}Result`]: result} : {}), ResponseMetadata: {RequestId: id}}, id)
      } catch (error) {
        if (!(error instanceof IamError)) throw error
        writeError(response, error)
      }
    },
  }
}
