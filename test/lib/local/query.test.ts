import type {ServerResponse} from 'node:http'

import {XMLParser} from 'fast-xml-parser'
import {expect, test} from 'vitest'

import type {ServiceModel} from '../../../src/lib/local/model/models.js'
import {decodeQueryInput, writeQueryResult} from '../../../src/lib/local/protocols/query.js'

/** A model with each way the query protocol carries lists and maps (as SQS's and SNS's query models use them). */
const MODEL = {
  metadata: {protocol: 'query', endpointPrefix: 'test'},
  operations: {Send: {name: 'Send', input: {shape: 'SendInput'}, output: {shape: 'SendOutput', resultWrapper: 'SendResult'}}},
  shapes: {
    SendInput: {
      type: 'structure',
      members: {
        Name: {shape: 'String'},
        Delay: {shape: 'Integer'},
        Fifo: {shape: 'Boolean'},
        Body: {shape: 'Blob'},
        Labels: {shape: 'StringList'},
        AttributeNames: {shape: 'FlatNames'},
        Attributes: {shape: 'FlatMap', locationName: 'Attribute'},
        Tags: {shape: 'TagMap'},
      },
    },
    SendOutput: {
      type: 'structure',
      members: {
        Urls: {shape: 'FlatNames'},
        Attributes: {shape: 'FlatMap', locationName: 'Attribute'},
        Tags: {shape: 'TagMap'},
        Labels: {shape: 'StringList'},
        Sent: {shape: 'Timestamp'},
      },
    },
    String: {type: 'string'},
    Integer: {type: 'integer'},
    Boolean: {type: 'boolean'},
    Blob: {type: 'blob'},
    Timestamp: {type: 'timestamp'},
    StringList: {type: 'list', member: {shape: 'String'}},
    FlatNames: {type: 'list', member: {shape: 'String', locationName: 'AttributeName'}, flattened: true},
    FlatMap: {type: 'map', key: {shape: 'String', locationName: 'Name'}, value: {shape: 'String', locationName: 'Value'}, flattened: true},
    TagMap: {type: 'map', key: {shape: 'String'}, value: {shape: 'String'}},
  },
} as unknown as ServiceModel

test('parameters decode to the input structure: scalars typed, member lists, flattened lists and maps under their location names', () => {
  const params = new URLSearchParams(
    [
      'Action=Send&Name=q&Delay=30&Fifo=true',
      `Body=${encodeURIComponent(Buffer.from('bytes').toString('base64'))}`,
      'Labels.member.1=a&Labels.member.2=b',
      'AttributeName.1=All&AttributeName.2=Policy',
      'Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=60&Attribute.2.Name=DelaySeconds&Attribute.2.Value=0',
      'Tags.entry.1.key=team&Tags.entry.1.value=core',
    ].join('&'),
  )
  expect(decodeQueryInput(MODEL, 'SendInput', params)).toEqual({
    Name: 'q',
    Delay: 30,
    Fifo: true,
    Body: Buffer.from('bytes'),
    Labels: ['a', 'b'],
    AttributeNames: ['All', 'Policy'],
    Attributes: {VisibilityTimeout: '60', DelaySeconds: '0'},
    Tags: {team: 'core'},
  })
  // An empty list is sent as the bare name; text that isn't a number stays text, for validation to name.
  expect(decodeQueryInput(MODEL, 'SendInput', new URLSearchParams('Labels=&Delay=soon'))).toEqual({Labels: [], Delay: 'soon'})
})

test('the output structure is written as the model says: wrappers, flattened elements, entries, ISO timestamps', () => {
  let written = ''
  let headers: Record<string, string> = {}
  const response = {
    writeHead: (_status: number, h: Record<string, string>) => (headers = h),
    end: (text: string) => (written = text),
  } as unknown as ServerResponse
  writeQueryResult(response, {xmlNamespace: 'urn:test'}, MODEL, 'Send', {
    Urls: ['u1', 'u2'],
    Attributes: {A: '1'},
    Tags: {team: 'core'},
    Labels: ['x'],
    Sent: new Date('2026-01-02T03:04:05.000Z'),
  })
  expect(headers['content-type']).toBe('text/xml')
  const xml = new XMLParser({ignoreAttributes: false, parseTagValue: false}).parse(written) as {SendResponse: Record<string, unknown>}
  expect(xml.SendResponse['@_xmlns']).toBe('urn:test')
  expect(xml.SendResponse.SendResult).toEqual({
    AttributeName: ['u1', 'u2'],
    Attribute: {Name: 'A', Value: '1'},
    Tags: {entry: {key: 'team', value: 'core'}},
    Labels: {member: 'x'},
    Sent: '2026-01-02T03:04:05.000Z',
  })
  expect((xml.SendResponse.ResponseMetadata as {RequestId: string}).RequestId).toBe(headers['x-amzn-requestid'])
})
