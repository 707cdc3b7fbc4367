/**
 * CloudWatch's refusals, named after the model's error shapes. The JSON protocol carries the shape
 * name in `__type` and the query protocol's code (the shape's `error.code`: "InvalidParameterValue"
 * for InvalidParameterValueException) in `x-amzn-query-error`; the query protocol carries that code.
 */
import {ServiceError} from '../contract.js'
import {validationMessage} from '../model/validate.js'

export class CloudWatchError extends ServiceError {
  constructor(code: string, message: string, status = 400) {
    super(status, code, message)
  }
}

export const invalidParameter = (message: string): CloudWatchError => new CloudWatchError('InvalidParameterValueException', message)
export const invalidValue = (value: unknown, parameter: string): CloudWatchError => invalidParameter(`The value ${String(value)} for parameter ${parameter} is invalid.`)
export const missingParameter = (parameter: string): CloudWatchError => new CloudWatchError('MissingRequiredParameterException', `The parameter ${parameter} is required.`)
export const invalidCombination = (message: string): CloudWatchError => new CloudWatchError('InvalidParameterCombinationException', message)
export const notFound = (message: string): CloudWatchError => new CloudWatchError('ResourceNotFound', message, 404)
export const invalidNextToken = (): CloudWatchError => new CloudWatchError('InvalidNextToken', 'The service cannot process the request because the token is invalid.')
export const invalidFormat = (message: string): CloudWatchError => new CloudWatchError('InvalidFormatFault', message)

/**
 * A broken model constraint (required member, length, range, enum). CloudWatch, like AWS's other
 * query services, answers these as `ValidationError` in AWS's wording; it names no shape in the model.
 */
export const validationError = (problems: readonly string[]): CloudWatchError => new CloudWatchError('ValidationError', validationMessage(problems))
