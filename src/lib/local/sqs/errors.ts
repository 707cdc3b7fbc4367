/**
 * SQS's refusals. Each is named after the model's error shape (the JSON protocol's `__type`); the query
 * protocol's code (and the JSON protocol's `x-amzn-query-error`) comes from query-names.ts. Errors SQS
 * answers that no shape models (InvalidParameterValue, MissingParameter…) carry their query code as name.
 */
import {ServiceError} from '../contract.js'

export class SqsError extends ServiceError {
  constructor(code: string, message: string, status = 400) {
    super(status, code, message)
  }
}

/** Throws SQS's answer for a queue that isn't there. */
export function queueDoesNotExist(): never {
  throw new SqsError('QueueDoesNotExist', 'The specified queue does not exist.')
}

export const invalidParameter = (message: string): SqsError => new SqsError('InvalidParameterValue', message)

/** "Value X for parameter Y is invalid. Reason: Z.", as SQS words a parameter out of range. */
export const invalidValue = (parameter: string, value: unknown, reason: string): SqsError =>
  invalidParameter(`Value ${typeof value === 'string' ? value : JSON.stringify(value)} for parameter ${parameter} is invalid. Reason: ${reason}`)

export const missingParameter = (name: string): SqsError => new SqsError('MissingParameter', `The request must contain the parameter ${name}.`)

export const invalidAttributeName = (name: string): SqsError => new SqsError('InvalidAttributeName', `Unknown Attribute ${name}.`)

export const invalidAttributeValue = (name: string, reason?: string): SqsError =>
  new SqsError('InvalidAttributeValue', `Invalid value for the parameter ${name}.${reason ? ` Reason: ${reason}` : ''}`)

export const receiptHandleIsInvalid = (handle: string): SqsError =>
  new SqsError('ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`, 404)
