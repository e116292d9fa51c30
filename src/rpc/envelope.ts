import { randomUUID } from 'node:crypto'
import { MalformedMessage } from './rpc-errors.js'

/**
 * oslo.messaging's message envelope, version 2.0 (spec oslo-messaging-wire §3.2): the AMQP body
 * is `{"oslo.version": "2.0", "oslo.message": "<inner JSON as a string>"}`.
 */

const ENVELOPE_VERSION = '2.0'

/** A fresh id as oslo makes them: uuid4 as 32 lowercase hex digits. */
export function uuidHex(): string {
  return randomUUID().replaceAll('-', '')
}

/** Wraps an inner message in the 2.0 envelope. */
export function encodeEnvelope(inner: Readonly<Record<string, unknown>>): string {
  return JSON.stringify({ 'oslo.version': ENVELOPE_VERSION, 'oslo.message': JSON.stringify(inner) })
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new MalformedMessage(`${what} is not JSON`, { cause: error })
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Unwraps a body into its inner message. As oslo does, a body without both envelope keys is taken
 * as a legacy un-enveloped message; a newer envelope version or a non-string inner message is
 * refused.
 */
export function decodeEnvelope(body: string): Record<string, unknown> {
  const outer = parseJson(body, 'message body')
  if (!isObject(outer)) throw new MalformedMessage('message body is not a JSON object')
  if (!('oslo.version' in outer) || !('oslo.message' in outer)) return outer
  const version = outer['oslo.version']
  if (typeof version !== 'string' || !/^2\.0(\.\d+)?$/.test(version)) {
    throw new MalformedMessage(`unsupported envelope version ${JSON.stringify(version)}`)
  }
  const inner = outer['oslo.message']
  if (typeof inner !== 'string') throw new MalformedMessage('oslo.message is not a string')
  const message = parseJson(inner, 'oslo.message')
  if (!isObject(message)) throw new MalformedMessage('oslo.message is not a JSON object')
  return message
}

/** A request as it travels (spec §3.3): call fields only on calls. */
export interface RequestMessage {
  readonly method: string
  readonly args: Record<string, unknown>
  readonly namespace: string | null
  readonly version: string | null
  readonly msgId: string | null
  readonly replyQueue: string | null
  readonly callMonitorTimeout: number | null
  readonly uniqueId: string | null
  readonly context: Record<string, unknown>
}

/** Builds the inner request dict in the key order Python emits. */
export function buildRequest(request: RequestMessage): Record<string, unknown> {
  const inner: Record<string, unknown> = { method: request.method, args: request.args }
  if (request.namespace !== null) inner['namespace'] = request.namespace
  if (request.version !== null) inner['version'] = request.version
  if (request.msgId !== null) {
    inner['_msg_id'] = request.msgId
    inner['_reply_q'] = request.replyQueue
    inner['_timeout'] = request.callMonitorTimeout
  }
  inner['_unique_id'] = request.uniqueId ?? uuidHex()
  for (const [key, value] of Object.entries(request.context)) inner[`_context_${key}`] = value
  return inner
}

function optionalString(message: Record<string, unknown>, key: string): string | null {
  const value = message[key]
  if (value === undefined || value === null) return null
  if (typeof value !== 'string') throw new MalformedMessage(`${key} is not a string`)
  return value
}

/** Reads an inner request dict; throws MalformedMessage when its fields have the wrong types. */
export function parseRequest(message: Record<string, unknown>): RequestMessage {
  const method = message['method']
  if (typeof method !== 'string' || method === '') throw new MalformedMessage('no method')
  const args = message['args'] ?? {}
  if (!isObject(args)) throw new MalformedMessage('args is not an object')
  const timeout = message['_timeout']
  const context: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(message)) {
    if (key.startsWith('_context_')) context[key.slice('_context_'.length)] = value
  }
  const msgId = optionalString(message, '_msg_id')
  const replyQueue = optionalString(message, '_reply_q')
  if (msgId !== null && replyQueue === null) throw new MalformedMessage('call without _reply_q')
  return {
    method,
    args,
    namespace: optionalString(message, 'namespace'),
    version: optionalString(message, 'version'),
    msgId,
    replyQueue,
    callMonitorTimeout: typeof timeout === 'number' && timeout > 0 ? timeout : null,
    uniqueId: optionalString(message, '_unique_id'),
    context,
  }
}

/** A reply (spec §4.1): a result or a failure string; `ending` false marks a heartbeat. */
export interface ReplyMessage {
  readonly msgId: string
  readonly result: unknown
  readonly failure: string | null
  readonly ending: boolean
}

/** Builds the inner reply dict in the key order Python emits. */
export function buildReply(reply: ReplyMessage): Record<string, unknown> {
  return {
    result: reply.result ?? null,
    failure: reply.failure,
    ending: reply.ending,
    _msg_id: reply.msgId,
    _unique_id: uuidHex(),
  }
}

/** Reads an inner reply dict; a reply without `ending` is not final, as in oslo. */
export function parseReply(message: Record<string, unknown>): ReplyMessage {
  const msgId = optionalString(message, '_msg_id')
  if (msgId === null) throw new MalformedMessage('reply without _msg_id')
  const failure = message['failure'] ?? null
  if (failure !== null && typeof failure !== 'string') {
    throw new MalformedMessage('failure is not a string')
  }
  return { msgId, result: message['result'] ?? null, failure, ending: Boolean(message['ending']) }
}
