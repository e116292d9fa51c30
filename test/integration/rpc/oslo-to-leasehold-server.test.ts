import { beforeAll, describe, expect, it } from 'vitest'
import { createEchoEndpoint } from '../../support/echo-endpoint.js'
import { checkPython, osloCall, osloCast } from '../../support/oslo.js'
import { runConformance } from '../../support/oslo-conformance.js'
import { listExchanges, listQueues } from '../../support/rabbitmq.js'
import { useTestBus, waitFor } from '../../support/rpc.js'

const TOPIC = 'interop_echo'
const SERVER = 'leasehold-echo'
const HEX32 = '[0-9a-f]{32}'

/** The vhost name in a `rabbit://…/<vhost>` URL. */
function vhostOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1))
}

// The real oslo.messaging client (Debian's python3-oslo.messaging) against Leasehold's RPC server.
describe('Python oslo.messaging client → Leasehold RPC server (echo contract)', () => {
  const bus = useTestBus('rabbit')
  const echo = createEchoEndpoint()
  const target = () => ({ url: bus().url, topic: TOPIC })

  beforeAll(async () => {
    await checkPython()
    await bus().messaging().server({ topic: TOPIC, server: SERVER }, [echo.endpoint]).start()
  })

  it('passes every conformance.py check, the firehose wire-format check included', async () => {
    const result = await runConformance({ ...target(), server: SERVER, firehose: true })
    const failed = result.checks.filter((check) => !check.passed)
    expect(failed, `failed checks:\n${result.output}`).toEqual([])
    expect(result.checks.map((check) => check.name)).toHaveLength(16)
    expect(result.checks.at(-1)?.name).toBe('firehose_wire_format')
    expect(result.summary).toEqual({ passed: 16, failed: 0, failures: {} })
    expect(result.exitCode).toBe(0)
  }, 120_000)

  it('answers echo and return_value calls to the topic and to the server', async () => {
    const echoed = await osloCall({
      ...target(),
      method: 'get_active_networks_info',
      args: { host: 'h1', enable_dhcp_filter: false },
      version: '1.1',
      timeout: 20,
    })
    expect(echoed).toMatchObject({
      exitCode: 0,
      ok: true,
      result: {
        method: 'get_active_networks_info',
        args: { host: 'h1', enable_dhcp_filter: false },
      },
    })
    const value = { nested: [{ a: [null, true, 1.5] }], text: 'h\u00e9llo \u2603' }
    const returned = await osloCall({
      ...target(),
      server: SERVER,
      method: 'return_value',
      args: { value },
      timeout: 20,
    })
    expect(returned).toMatchObject({ exitCode: 0, ok: true, result: value })
    const record = echo.records.findLast((r) => r.method === 'get_active_networks_info')
    expect(record?.ctxt).toMatchObject({ is_admin: true, roles: [] })
    expect(record?.ctxt['request_id']).toMatch(/^req-[0-9a-f-]{36}$/)
  }, 60_000)

  it('sends failures the Python caller rebuilds: ValueError, and DemoRemoteError as RemoteError', async () => {
    const builtin = await osloCall({
      ...target(),
      method: 'raise_error',
      args: { message: 'bad thing', kind: 'value' },
      timeout: 20,
    })
    expect(builtin).toMatchObject({
      exitCode: 1,
      ok: false,
      error: { class: 'ValueError', module: 'builtins', is_remote_error: false },
    })
    expect(builtin.error?.message).toMatch(/^bad thing/)
    const remote = await osloCall({
      ...target(),
      method: 'raise_error',
      args: { message: 'bad remote', kind: 'remote', foo: 'bar' },
      timeout: 20,
    })
    expect(remote).toMatchObject({
      exitCode: 1,
      ok: false,
      error: {
        class: 'RemoteError',
        is_remote_error: true,
        remote_exc_type: 'DemoRemoteError',
        remote_value: 'bad remote',
      },
    })
    const tooNew = await osloCall({ ...target(), method: 'echo', version: '2.0', timeout: 20 })
    expect(tooNew.error).toMatchObject({ remote_exc_type: 'UnsupportedVersion' })
    const hidden = await osloCall({ ...target(), method: '_private', timeout: 20 })
    expect(hidden.error).toMatchObject({ remote_exc_type: 'NoSuchMethod' })
  }, 60_000)

  it('receives a fanout cast with the sender’s arguments and admin context', async () => {
    const sent = await osloCast({
      ...target(),
      method: 'agent_updated',
      fanout: true,
      args: { payload: { admin_state_up: true } },
    })
    expect(sent).toMatchObject({ exitCode: 0, ok: true, sent: 'fanout' })
    await waitFor(() => echo.records.some((r) => r.method === 'agent_updated'), {
      what: 'the fanout cast',
    })
    expect(echo.records.findLast((r) => r.method === 'agent_updated')).toMatchObject({
      args: { payload: { admin_state_up: true } },
      ctxt: { is_admin: true },
    })
  }, 60_000)

  it('declares its queues and exchanges with oslo.messaging’s flags', async () => {
    const call = await osloCall({ ...target(), method: 'declarations', timeout: 20 })
    expect(call).toMatchObject({ ok: true, result: { method: 'declarations' } })
    const vhost = vhostOf(bus().url)
    const queues = await listQueues(vhost)
    const queue = (name: string) => queues.find((q) => q.name === name)
    const plain = { durable: false, auto_delete: false, exclusive: false, arguments: {} }
    expect(queue(TOPIC)).toMatchObject({ ...plain, consumers: 1 })
    expect(queue(`${TOPIC}.${SERVER}`)).toMatchObject({ ...plain, consumers: 1 })
    const transient = { ...plain, arguments: { 'x-expires': 1_800_000 } }
    const fanout = queues.filter((q) => new RegExp(`^${TOPIC}_fanout_${HEX32}$`).test(q.name))
    expect(fanout).toEqual([expect.objectContaining({ ...transient, consumers: 1 })])
    const replies = queues.filter((q) => new RegExp(`^reply_${HEX32}$`).test(q.name))
    expect(replies.length).toBeGreaterThan(0)
    for (const reply of replies) expect(reply).toMatchObject(transient)
    expect(queues.length).toBe(3 + replies.length)

    const exchanges = await listExchanges(vhost)
    expect(exchanges.find((e) => e.name === 'neutron')).toMatchObject({
      type: 'topic',
      durable: false,
      auto_delete: false,
      arguments: {},
    })
    expect(exchanges.find((e) => e.name === `${TOPIC}_fanout`)).toMatchObject({
      type: 'fanout',
      durable: false,
      auto_delete: true,
      arguments: {},
    })
  }, 60_000)
})
