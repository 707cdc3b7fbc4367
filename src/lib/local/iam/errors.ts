import type {ProtocolError} from '../server.js'

/** An IAM error as the Query protocol carries it (`<ErrorResponse><Error><Type>Sender</Type><Code>…`). */
export class IamError extends Error implements ProtocolError {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/** The Query protocol's parameters: `Tags.member.1.Key=…` flattened, as sent. */
export type QueryParams = URLSearchParams
