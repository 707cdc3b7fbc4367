import {ServiceError} from '../contract.js'

/** An IAM error as the query protocol carries it (`<ErrorResponse><Error><Type>Sender</Type><Code>…`). */
export class IamError extends ServiceError {
  constructor(status: number, code: string, message: string) {
    super(status, code, message)
  }
}
