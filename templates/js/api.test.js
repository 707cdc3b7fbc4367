import assert from 'node:assert/strict'
import {test} from 'node:test'

import {handler} from '../src/__FUNCTION__.js'

/** A function URL request with only the fields the handler reads. */
function request(method, body) {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/orders',
    rawQueryString: '',
    headers: {'content-type': 'application/json'},
    requestContext: {http: {method, path: '/orders', protocol: 'HTTP/1.1', sourceIp: '203.0.113.10', userAgent: 'test'}},
    body,
    isBase64Encoded: false,
  }
}

test('GET answers with a greeting', async () => {
  const response = await handler(request('GET'))
  assert.equal(response.statusCode, 200)
  assert.deepEqual(JSON.parse(response.body), {message: 'Hello from /orders', query: {}})
})

test('POST answers 201 with the JSON it received', async () => {
  const response = await handler(request('POST', JSON.stringify({id: 7})))
  assert.equal(response.statusCode, 201)
  assert.deepEqual(JSON.parse(response.body), {received: {id: 7}})
})

test('a body that is not JSON is a 400', async () => {
  const response = await handler(request('POST', 'not json'))
  assert.equal(response.statusCode, 400)
})

test('other methods are refused with 405', async () => {
  const response = await handler(request('DELETE'))
  assert.equal(response.statusCode, 405)
  assert.equal(response.headers.allow, 'GET, POST')
})
