import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  buildReply,
  buildRequest,
  decodeEnvelope,
  encodeEnvelope,
  parseReply,
  parseRequest,
} from '../../../src/rpc/envelope.js'
import { deserializeFailure, serializeFailure } from '../../../src/rpc/remote-error.js'
import { createRpcContext } from '../../../src/rpc/rpc-context.js'
import { NetworkNotFound } from '../../../src/common/errors.js'
import { MalformedMessage, NoSuchMethod, UnsupportedVersion } from '../../../src/rpc/rpc-errors.js'
import { isVersionCompatible } from '../../../src/rpc/version.js'
import { ROOT } from '../../support/leasehold-process.js'

/** Messages captured from Python oslo.messaging 14.0.3 (../shared/tools/oslo/captures). */
function capture(name: string): {
  body_raw: string
  decoded_oslo_message: Record<string, unknown>
} {
  return JSON.parse(readFileSync(join(ROOT, '../shared/tools/oslo/captures', name), 'utf8')) as {
    body_raw: string
    decoded_oslo_message: Record<string, unknown>
  }
}

describe('oslo envelope', () => {
  it('reads a call captured from Python oslo.messaging', () => {
    const request = parseRequest(decodeEnvelope(capture('00_call.json').body_raw))
    expect(request).toMatchObject({
      method: 'get_active_networks_info',
      args: { host: 'host1', enable_dhcp_filter: true },
      version: '1.1',
      namespace: null,
      msgId: '0a9164046e8f43fc963d468fccb3e321',
      replyQueue: 'reply_004ab05ce73643b18a0e4e8b65f30a71',
      callMonitorTimeout: null,
      uniqueId: '754418fae1334888b163acfacaa2f64a',
    })
    expect(request.context).toMatchObject({ is_admin: true, roles: [], user_identity: '- - - - -' })
  })

  it('writes a call with the keys, key order and context of the Python capture', () => {
    const captured = capture('00_call.json').decoded_oslo_message
    const context = Object.fromEntries(
      Object.entries(captured)
        .filter(([k]) => k.startsWith('_context_'))
        .map(([k, v]) => [k.slice('_context_'.length), v]),
    )
    const inner = buildRequest({
      method: 'get_active_networks_info',
      args: { host: 'host1', enable_dhcp_filter: true },
      namespace: null,
      version: '1.1',
      msgId: captured['_msg_id'] as string,
      replyQueue: captured['_reply_q'] as string,
      callMonitorTimeout: null,
      uniqueId: captured['_unique_id'] as string,
      context,
    })
    expect(inner).toEqual(captured)
    expect(Object.keys(inner).slice(0, 7)).toEqual([
      'method',
      'args',
      'version',
      '_msg_id',
      '_reply_q',
      '_timeout',
      '_unique_id',
    ])
    const body = JSON.parse(encodeEnvelope(inner)) as Record<string, unknown>
    expect(Object.keys(body)).toEqual(['oslo.version', 'oslo.message'])
    expect(body['oslo.version']).toBe('2.0')
    expect(typeof body['oslo.message']).toBe('string')
  })

  it('sends the same context keys as neutron_lib’s admin context', () => {
    const captured = capture('02_cast_direct.json').decoded_oslo_message
    const keys = Object.keys(captured).filter((k) => k.startsWith('_context_'))
    const ours = Object.keys(createRpcContext({ isAdmin: true })).map((k) => `_context_${k}`)
    expect(ours.sort()).toEqual(keys.sort())
  })

  it('reads replies, heartbeats and failures captured from Python', () => {
    expect(parseReply(decodeEnvelope(capture('01_reply.json').body_raw))).toMatchObject({
      ending: true,
      failure: null,
      result: { method: 'get_active_networks_info' },
    })
    expect(parseReply(decodeEnvelope(capture('09_heartbeat.json').body_raw))).toMatchObject({
      ending: false,
      result: null,
      failure: null,
    })
    const builtin = parseReply(decodeEnvelope(capture('05_reply_failure_builtin.json').body_raw))
    expect(deserializeFailure(builtin.failure ?? '')).toMatchObject({
      excType: 'ValueError',
      module: 'builtins',
      value: 'bad thing',
    })
    const remote = parseReply(decodeEnvelope(capture('07_reply_failure_remote.json').body_raw))
    expect(deserializeFailure(remote.failure ?? '')).toMatchObject({
      excType: 'DemoRemoteError',
      kwargs: { foo: 'bar' },
    })
    const version = parseReply(
      decodeEnvelope(capture('15_reply_failure_unsupported_version.json').body_raw),
    )
    expect(deserializeFailure(version.failure ?? '')).toBeInstanceOf(UnsupportedVersion)
  })

  it('writes a reply that ends the call, with the failure as a JSON string', () => {
    const reply = buildReply({
      msgId: 'abc',
      result: null,
      failure: serializeFailure(new NetworkNotFound('n1')),
      ending: true,
    })
    expect(Object.keys(reply)).toEqual(['result', 'failure', 'ending', '_msg_id', '_unique_id'])
    expect(reply['_unique_id']).toMatch(/^[0-9a-f]{32}$/)
    const failure = JSON.parse(reply['failure'] as string) as Record<string, unknown>
    expect(failure).toMatchObject({
      class: 'NetworkNotFound',
      module: 'neutron_lib.exceptions',
      message: 'Network n1 could not be found.',
      args: ['Network n1 could not be found.'],
      kwargs: {},
    })
    expect(deserializeFailure(serializeFailure(NoSuchMethod.forMethod('x')))).toBeInstanceOf(
      NoSuchMethod,
    )
  })

  it('takes an un-enveloped legacy body, refuses other envelope versions and bad fields', () => {
    expect(decodeEnvelope('{"method": "m", "args": {}}')).toEqual({ method: 'm', args: {} })
    expect(() => decodeEnvelope('{"oslo.version": "2.1", "oslo.message": "{}"}')).toThrow(
      MalformedMessage,
    )
    expect(() => decodeEnvelope('{"oslo.version": "2.0", "oslo.message": {}}')).toThrow(
      MalformedMessage,
    )
    expect(() => decodeEnvelope('NaN')).toThrow(MalformedMessage)
    expect(() => parseRequest({ method: 'm', args: [] })).toThrow(MalformedMessage)
    expect(() => parseRequest({ args: {} })).toThrow(MalformedMessage)
    expect(() => parseReply({ result: 1, failure: { class: 'X' }, _msg_id: 'a' })).toThrow(
      MalformedMessage,
    )
    expect(parseRequest({ method: 'm' }).args).toEqual({})
  })
})

describe('version compatibility (oslo _utils.version_is_compatible)', () => {
  it.each([
    ['1.10', '1.1', true],
    ['1.10', '1.9', true],
    ['1.10', '1.10', true],
    ['1.10', '1.11', false],
    ['1.99', '1.100', false],
    ['1.0', '2.0', false],
    ['2.0', '1.0', false],
    ['1.2', '1.2.1', false],
    ['1.2.3', '1.2.1', true],
    ['1.3', '1.2.9', true],
  ])('an endpoint at %s serves %s: %s', (implemented, requested, expected) => {
    expect(isVersionCompatible(implemented, requested)).toBe(expected)
  })
})
