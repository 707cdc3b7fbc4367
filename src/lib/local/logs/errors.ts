import {ServiceError} from '../contract.js'

/** A CloudWatch Logs API error (`__type` in the JSON 1.1 body). */
export class LogsError extends ServiceError {
  constructor(code: string, message: string, status = 400) {
    super(status, code, message)
  }
}

export const groupNotFound = (): LogsError => new LogsError('ResourceNotFoundException', 'The specified log group does not exist.')
export const streamNotFound = (): LogsError => new LogsError('ResourceNotFoundException', 'The specified log stream does not exist.')
export const invalidParameter = (message: string): LogsError => new LogsError('InvalidParameterException', message)
