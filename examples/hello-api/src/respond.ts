/** A Lambda function URL / API Gateway v2 response. */
export interface HttpResponse {
  statusCode: number
  headers: Record<string, string>
  body: string
}

export function json(statusCode: number, body: unknown): HttpResponse {
  return {statusCode, headers: {'content-type': 'application/json'}, body: JSON.stringify(body)}
}
