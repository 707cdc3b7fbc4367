import {randomUUID} from 'node:crypto'

import {json, type HttpResponse} from './respond.js'

interface HttpEvent {
  rawPath?: string
  queryStringParameters?: Record<string, string | undefined>
}

export const handler = async (event: HttpEvent): Promise<HttpResponse> => {
  const name = event.queryStringParameters?.name ?? 'world'
  if (name.length > 64) return json(400, {error: 'name is too long'})
  console.log(`greeting ${name}`)
  return json(200, {message: `${process.env.GREETING ?? 'Hello'}, ${name}!`, path: event.rawPath ?? '/', requestId: randomUUID()})
}
