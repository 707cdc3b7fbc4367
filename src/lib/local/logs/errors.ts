import type {ProtocolError} from '../server.js'

/** A CloudWatch Logs API error (`__type` in the JSON 1.1 body). */
export class LogsError extends Error implements ProtocolError {
  readonly status: number
  constructor(
    readonly code: string,
    message: string,
    status = 400,
  ) {
    super(message)
    this.name = code
    this.status = status
  }
}

export const groupNotFound = (): LogsError => new LogsError('ResourceNotFoundException', 'The specified log group does not exist.')
export const streamNotFound = (): LogsError => new LogsError('ResourceNotFoundException', 'The specified log stream does not exist.')
export const invalidParameter = (message: string): LogsError => new LogsError('InvalidParameterException', message)
