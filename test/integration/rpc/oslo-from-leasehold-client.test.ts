import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { adminRpcContext } from '../../../src/rpc/rpc-context.js'
import {
  MessagingTimeout,
  NoSuchMethod,
  RemoteError,
  UnsupportedVersion,
} from '../../../src/rpc/rpc-errors.js'
import type { RpcCaller } from '../../../src/rpc/types.js'
import {
  OSLO_PYTHON,
  OSLO_TOOLS,
  startOsloServer,
  type OsloRequest,
  type OsloServer,
} from '../../support/oslo.js'
import { onTestProcessExit, signalQuietly } from '../../support/processes.js'
import { listQueues, setTracing } from '../../support/rabbitmq.js'
import { useTestBus, waitFor } from '../../support/rpc.js'

const TOPIC = 'interop_py'
const SERVER = 'python-host'
const HEX32 = /^[0-9a-f]{32}$/
const REQUEST_ID = /^req-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

/** The keys of neutron_lib's admin `Context.to_dict()` (spec oslo-messaging-wire §3.4). */
const NEUTRON_CONTEXT_KEYS = [
  'user',
  'project_id',
  'system_scope',
  'project',
  'domain',
  'user_domain',
  'project_domain',
  'is_admin',
  'read_only',
  'show_deleted',
  'auth_token',
  'request_id',
  'global_request_id',
  'resource_uuid',
  'roles',
  'user_identity',
  'is_admin_project',
  'user_id',
  'tenant_id',
  'timestamp',
  'tenant_name',
  'project_name',
  'user_name',
]

function vhostOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1))
}

/** The error a promise rejects with (fails the test if it resolves). */
async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a failure, got ${JSON.stringify(value)}`)
    },
    (error: unknown) => error,
  )
}

/** A message sniff.py saw on the firehose. */
interface SniffedMessage {
  readonly exchange: string
  readonly routing_key: string
  readonly kind: string
  readonly properties: Record<string, unknown>
  readonly oslo_message: Record<string, unknown>
  readonly problems: string[]
}

/** Runs sniff.py --firehose on a vhost (tracing on) until `stop`, collecting its JSON lines. */
async function startSniffer(url: string) {
  await setTracing(vhostOf(url), true)
  const argv = [resolve(OSLO_TOOLS, 'sniff.py'), '--firehose', '--url', url]
  const child = spawn(OSLO_PYTHON, argv, { stdio: ['ignore', 'pipe', 'pipe'] })
  const forget = onTestProcessExit(() => signalQuietly(child.pid!, 'SIGKILL'))
  const exited = new Promise<void>((done) => child.once('close', () => done()))
  const messages: SniffedMessage[] = []
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  createInterface({ input: child.stdout }).on('line', (line) =>
    messages.push(JSON.parse(line) as SniffedMessage),
  )
  let stopping: Promise<void> | undefined
  const stop = () =>
    (stopping ??= (async () => {
      signalQuietly(child.pid!, 'SIGINT')
      const timer = setTimeout(() => signalQuietly(child.pid!, 'SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
      forget()
      await setTracing(vhostOf(url), false)
    })())
  try {
    await waitFor(() => stderr.includes('listening') || child.exitCode !== null, {
      timeoutMs: 20_000,
      what: 'sniff.py to listen',
    })
    if (child.exitCode !== null) throw new Error(`sniff.py exited:\n${stderr}`)
  } catch (error) {
    await stop()
    throw error
  }
  return { messages, stop }
}

// Leasehold's RPC client against the real oslo.messaging server (tools/oslo/rpc_server.py).
describe('Leasehold RPC client → Python oslo.messaging server (echo contract)', () => {
  const bus = useTestBus('rabbit')
  const ctx = adminRpcContext()
  let python: OsloServer | undefined
  let client: RpcCaller

  beforeAll(async () => {
    python = await startOsloServer({ url: bus().url, topic: TOPIC, server: SERVER })
    client = bus().messaging({ timeoutSeconds: 20 }).client({ topic: TOPIC, version: '1.1' })
  }, 60_000)
  afterAll(async () => {
    await python?.stop()
  })

  /** The request rpc_server.py logged for a method, once it has arrived. */
  async function requestFor(method: string): Promise<OsloRequest> {
    const find = () => python!.requests().find((r) => r.method === method)
    await waitFor(() => find() !== undefined, { what: `request ${method}` })
    return find()!
  }

  it('calls the topic and one server and gets the echo; the server sees the exact request', async () => {
    const args = { a: 1, b: [1, 'x'], c: { d: null }, e: 'h\u00e9llo \u2603' }
    expect(await client.call(ctx, 'echo_any', args)).toEqual({ method: 'echo_any', args })
    const direct = await client.prepare({ server: SERVER }).call(ctx, 'echo_direct', { x: 'y' })
    expect(direct).toEqual({ method: 'echo_direct', args: { x: 'y' } })

    for (const method of ['echo_any', 'echo_direct']) {
      const request = await requestFor(method)
      expect(request).toMatchObject({
        version: '1.1',
        namespace: null,
        client_timeout: null,
        extra_keys: [],
      })
      expect(request.msg_id).toMatch(HEX32)
      expect(request.unique_id).toMatch(HEX32)
      expect(request.reply_q).toMatch(/^reply_[0-9a-f]{32}$/)
      expect(request.ctxt).toMatchObject(ctx)
    }
    expect((await requestFor('echo_any')).args).toEqual(args)

    // spec §2.1: one reply queue per client transport, transient with x-expires
    const replyQueue = (await requestFor('echo_any')).reply_q
    expect((await requestFor('echo_direct')).reply_q).toBe(replyQueue)
    const queues = await listQueues(vhostOf(bus().url))
    expect(queues.find((q) => q.name === replyQueue)).toMatchObject({
      durable: false,
      auto_delete: false,
      exclusive: false,
      arguments: { 'x-expires': 1_800_000 },
      consumers: 1,
    })
  }, 60_000)

  it('casts to the topic, to one server and to all servers with Neutron’s admin context', async () => {
    await client.cast(ctx, 'cast_any', { k: 1 })
    await client.prepare({ server: SERVER }).cast(ctx, 'cast_direct', { k: 2 })
    await client.prepare({ fanout: true }).cast(ctx, 'cast_fanout', { k: 3 })
    const expected: [string, number][] = [
      ['cast_any', 1],
      ['cast_direct', 2],
      ['cast_fanout', 3],
    ]
    for (const [method, k] of expected) {
      const request = await requestFor(method)
      expect(request).toMatchObject({
        args: { k },
        version: '1.1',
        namespace: null,
        msg_id: null,
        reply_q: null,
        extra_keys: [],
      })
      expect(request.unique_id).toMatch(HEX32)
      expect(Object.keys(request.ctxt)).toEqual(expect.arrayContaining(NEUTRON_CONTEXT_KEYS))
      expect(request.ctxt).toMatchObject({ is_admin: true, is_admin_project: true, roles: [] })
      expect(request.ctxt['request_id']).toMatch(REQUEST_ID)
      expect(request.ctxt['timestamp']).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/)
    }
  }, 60_000)

  it('rebuilds the Python failures as RemoteError, UnsupportedVersion and NoSuchMethod', async () => {
    const value = await failureOf(
      client.call(ctx, 'raise_error', { message: 'bad thing', kind: 'value' }),
    )
    expect(value).toBeInstanceOf(RemoteError)
    expect(value).toMatchObject({ excType: 'ValueError', module: 'builtins', value: 'bad thing' })
    const remote = await failureOf(
      client.call(ctx, 'raise_error', { message: 'bad remote', kind: 'remote', foo: 'bar' }),
    )
    expect(remote).toMatchObject({
      excType: 'DemoRemoteError',
      module: '__main__',
      value: 'bad remote',
      kwargs: { foo: 'bar' },
    })
    expect((remote as RemoteError).traceback.join('')).toContain('DemoRemoteError')

    const tooNew = await failureOf(client.prepare({ version: '2.0' }).call(ctx, 'echo_v2'))
    expect(tooNew).toBeInstanceOf(UnsupportedVersion)
    expect((tooNew as RemoteError).value).toContain('Endpoint does not support RPC version 2.0')
    const otherNamespace = client.prepare({ namespace: 'nope' }).call(ctx, 'echo_ns')
    expect(await failureOf(otherNamespace)).toBeInstanceOf(UnsupportedVersion)
    expect(await failureOf(client.call(ctx, '_private'))).toBeInstanceOf(NoSuchMethod)
  }, 60_000)

  it('keeps a call that outlasts its call-monitor timeout alive with the server’s heartbeats', async () => {
    const slow = client.prepare({ callMonitorTimeoutSeconds: 2 })
    expect(await slow.call(ctx, 'sleep', { seconds: 4, value: 'slept' })).toBe('slept')
    expect(await requestFor('sleep')).toMatchObject({ client_timeout: 2 })
  }, 60_000)

  it('fails a call with MessagingTimeout when the reply is late, and drops the late reply', async () => {
    const started = Date.now()
    const late = client.prepare({ timeoutSeconds: 1 }).call(ctx, 'sleep', {
      seconds: 3,
      value: 'late',
    })
    expect(await failureOf(late)).toBeInstanceOf(MessagingTimeout)
    expect(Date.now() - started).toBeLessThan(2_500)
    await waitFor(() => python!.events.some((e) => e.event === 'reply' && e['result'] === 'late'), {
      what: 'the late reply',
    })
    expect(await client.call(ctx, 'return_value', { value: 'after' })).toBe('after')
  }, 60_000)

  it('publishes only messages in which sniff.py finds no wire problems', async () => {
    const sniffer = await startSniffer(bus().url)
    onTestFinished(() => sniffer.stop())
    await client.call(ctx, 'traced_call', { n: 1 })
    await client.prepare({ server: SERVER }).cast(ctx, 'traced_cast', { n: 2 })
    await client.prepare({ fanout: true }).cast(ctx, 'traced_fanout', { n: 3 })
    await requestFor('traced_fanout')
    await waitFor(() => sniffer.messages.length >= 4, { what: '4 traced messages' })
    await sniffer.stop()

    const ours = sniffer.messages.filter((m) => m.kind === 'call' || m.kind === 'cast')
    expect(ours.map((m) => [m.exchange, m.routing_key, m.kind, m.oslo_message['method']])).toEqual([
      ['neutron', TOPIC, 'call', 'traced_call'],
      ['neutron', `${TOPIC}.${SERVER}`, 'cast', 'traced_cast'],
      [`${TOPIC}_fanout`, '', 'cast', 'traced_fanout'],
    ])
    const base = {
      content_type: 'application/json',
      content_encoding: 'utf-8',
      delivery_mode: 2,
      priority: 0,
      headers: {},
    }
    expect(ours[0]?.properties).toEqual({ ...base, expiration: '20000' })
    expect(ours[1]?.properties).toEqual(base)
    expect(ours[2]?.properties).toEqual(base)
    expect(sniffer.messages.filter((m) => m.kind === 'reply')).toHaveLength(1)
    const problems = sniffer.messages.filter((m) => m.problems.length > 0)
    expect(problems, JSON.stringify(problems, null, 2)).toEqual([])
  }, 60_000)
})
