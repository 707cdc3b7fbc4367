import type {APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2} from 'aws-lambda'

/**
 * An HTTP API behind a function URL (or an API Gateway HTTP API), payload format 2.0.
 * GET answers with a greeting; POST takes a JSON body and answers with what it received.
 */
export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const {method} = event.requestContext.http
  switch (method) {
    case 'GET':
      return json(200, {message: `Hello from ${event.rawPath}`, query: event.queryStringParameters ?? {}})
    case 'POST': {
      const body = parseJsonBody(event)
      if (body === undefined) return json(400, {error: 'The request body must be JSON.'})
      return json(201, {received: body})
    }
    default:
      return json(405, {error: `${method} is not allowed here.`}, {allow: 'GET, POST'})
  }
}

/** The body as JSON: function URLs base64-encode bodies that aren't text. Undefined when it isn't JSON. */
function parseJsonBody(event: APIGatewayProxyEventV2): unknown {
  if (!event.body) return {}
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return {statusCode, headers: {'content-type': 'application/json', ...headers}, body: JSON.stringify(body)}
}
