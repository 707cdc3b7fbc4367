/** IAM over the query protocol (signing name "iam"; global, signed for us-east-1): a table of operations over the query codec. */
import type {LocalContext, ServiceRouter} from '../contract.js'
import type {RpcService} from '../protocols/rpc.js'
import {createRpcRouter} from '../protocols/rpc.js'
import {IamError} from './errors.js'
import {listRoleTags, tagRole, untagRole, updateAssumeRolePolicy, updateRoleSettings} from './role-settings.js'
import {attachRolePolicy, createRole, deleteRole, deleteRolePolicy, detachRolePolicy, getRole, getRolePolicy, listAttachedRolePolicies, listRolePolicies, listRoles, putRolePolicy, roleByArn} from './roles.js'

/**
 * Query requests are form-encoded parameters; the largest IAM accepts are policy documents of at most
 * 131,072 characters, up to 3 bytes each once percent-encoded, so 1 MiB holds any valid request.
 */
const BODY_LIMIT = 1024 * 1024

export const IAM_SERVICE: RpcService<LocalContext> = {
  signingName: 'iam',
  model: 'iam',
  query: {xmlNamespace: 'https://iam.amazonaws.com/doc/2010-05-08/'},
  operations: {
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
    UpdateAssumeRolePolicy: updateAssumeRolePolicy,
    UpdateRole: updateRoleSettings,
    TagRole: tagRole,
    UntagRole: untagRole,
    ListRoleTags: listRoleTags,
  },
  bodyLimit: BODY_LIMIT,
  tooLarge: () => new IamError(400, 'ValidationError', `The request body must be smaller than ${BODY_LIMIT} bytes.`),
  unknownOperation: (name, params) => new IamError(400, 'InvalidAction', `Could not find operation ${name ?? ''} for version ${params?.get('Version') ?? ''}`),
  scope: (_request, context) => context,
}

/** The IAM router; it provides the iam.role hook (how Lambda checks an execution role). */
export function createIamRouter(context: LocalContext): ServiceRouter {
  return {...createRpcRouter(IAM_SERVICE, context), provides: {iam: {role: (arn) => roleByArn(context, arn)}}}
}
