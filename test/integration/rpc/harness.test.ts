import { existsSync } from 'node:fs'
import * as amqp from 'amqplib'
import { describe, expect, it, onTestFinished } from 'vitest'
import { osloCall, osloCast, useOsloServer } from '../../support/oslo.js'
import { runConformance } from '../../support/oslo-conformance.js'
import { startPrivateBroker } from '../../support/private-broker.js'
import {
  acceptsAmqp,
  brokerUrls,
  createRabbitVhost,
  listExchanges,
  listQueues,
  sharedBroker,
  useRabbitVhost,
} from '../../support/rabbitmq.js'
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy.js'

/** Opens an amqplib connection whose `closed` promise settles when the peer drops it. */
async function openConnection(amqpUrl: string) {
  const connection = await amqp.connect(amqpUrl)
  const closed = new Promise<void>((resolve) => connection.once('close', () => resolve()))
  connection.on('error', () => {}) // a dropped connection reports here before 'close'
  return { connection, closed }
}

const vhosts = async () => (await sharedBroker.ctl(['list_vhosts', 'name'])).split('\n')

describe('RabbitMQ vhosts', () => {
  it('creates a vhost guest can declare in, lists what was declared, and drops it', async () => {
    const vhost = await createRabbitVhost()
    onTestFinished(() => vhost.drop())
    expect(await vhosts()).toContain(vhost.vhost)
    const { connection } = await openConnection(vhost.amqpUrl)
    const channel = await connection.createChannel()
    await channel.assertExchange('probe_fanout', 'fanout', { durable: false, autoDelete: true })
    await channel.assertQueue('probe', { durable: false, arguments: { 'x-expires': 60_000 } })
    await connection.close()
    expect(await listQueues(vhost.vhost)).toEqual([
      expect.objectContaining({
        name: 'probe',
        durable: false,
        arguments: { 'x-expires': 60_000 },
      }),
    ])
    expect(await listExchanges(vhost.vhost)).toEqual([
      expect.objectContaining({ name: 'probe_fanout', type: 'fanout', auto_delete: true }),
    ])
    await vhost.drop()
    await vhost.drop()
    expect(await vhosts()).not.toContain(vhost.vhost)
  }, 60_000)
})

describe('oslo.messaging reference tools', () => {
  const vhost = useRabbitVhost()
  const target = { topic: 'harness_topic', server: 'harness_host' }
  const server = useOsloServer(() => ({ url: vhost().url, ...target }))

  it('rpc_client.py calls rpc_server.py in the vhost and gets the echo', async () => {
    const reply = await osloCall({
      url: vhost().url,
      topic: target.topic,
      method: 'get_active_networks_info',
      args: { host: 'h1' },
      version: '1.1',
      timeout: 10,
    })
    expect(reply).toMatchObject({
      exitCode: 0,
      ok: true,
      result: { method: 'get_active_networks_info', args: { host: 'h1' } },
    })
    const [request] = await server().waitForRequests(1)
    expect(request).toMatchObject({ method: 'get_active_networks_info', version: '1.1' })
    const queues = (await listQueues(vhost().vhost)).map((q) => q.name)
    expect(queues).toEqual(expect.arrayContaining(['harness_topic', 'harness_topic.harness_host']))
  })

  it('delivers a fanout cast and reports an error reply with exit code 1', async () => {
    const cast = await osloCast({
      url: vhost().url,
      ...target,
      method: 'agent_updated',
      fanout: true,
    })
    expect(cast).toMatchObject({ exitCode: 0, ok: true, sent: 'fanout' })
    const requests = await server().waitForRequests(2)
    expect(requests[1]).toMatchObject({ method: 'agent_updated', msg_id: null })
    const failed = await osloCall({
      url: vhost().url,
      topic: target.topic,
      method: 'raise_error',
      args: { message: 'bad thing', kind: 'remote' },
      timeout: 10,
    })
    expect(failed).toMatchObject({
      exitCode: 1,
      ok: false,
      error: { class: 'RemoteError', is_remote_error: true, remote_exc_type: 'DemoRemoteError' },
    })
  }, 60_000)

  it('runs conformance.py checks with the vhost firehose and parses them', async () => {
    const result = await runConformance({
      url: vhost().url,
      ...target,
      firehose: true,
      only: ['call_any_server', 'casts_and_fanout_delivered'],
    })
    expect(result.checks.map((c) => [c.name, c.passed])).toEqual([
      ['call_any_server', true],
      ['casts_and_fanout_delivered', true],
      ['firehose_wire_format', true],
    ])
    expect(result.summary).toEqual({ passed: 3, failed: 0, failures: {} })
  }, 120_000)
})

describe('private RabbitMQ node', () => {
  it('starts, restarts on the same data, restarts after SIGKILL, and stops', async () => {
    const broker = await startPrivateBroker()
    onTestFinished(() => broker.stop())
    const beamPid = () => broker.ctl(['eval', 'os:getpid().'])
    const firstPid = await beamPid()
    const { connection, closed } = await openConnection(broker.amqpUrl)
    await (await connection.createChannel()).assertQueue('survivor', { durable: true })

    let acceptedWhileDown: boolean | undefined
    await broker.restart({
      whileDown: async () => {
        acceptedWhileDown = await acceptsAmqp(broker.amqpUrl)
      },
    })
    await closed
    expect(acceptedWhileDown).toBe(false)
    expect(await beamPid()).not.toBe(firstPid)
    const again = await openConnection(broker.amqpUrl)
    expect(await (await again.connection.createChannel()).checkQueue('survivor')).toMatchObject({
      queue: 'survivor',
    })

    await broker.restart({ hard: true })
    await again.closed
    expect(await acceptsAmqp(broker.amqpUrl)).toBe(true)

    await broker.stop()
    await broker.stop()
    expect(existsSync(broker.dir)).toBe(false)
    expect(await acceptsAmqp(broker.amqpUrl)).toBe(false)
  }, 180_000)
})

describe('TCP proxy', () => {
  const vhost = useRabbitVhost()
  let proxy: TcpProxy | undefined
  const throughProxy = () => brokerUrls(proxy!.port, vhost().vhost).amqpUrl

  it('cut drops the connections and refuses new ones; restore accepts again', async () => {
    onTestFinished(() => proxy?.close())
    proxy = await startTcpProxy(sharedBroker.port)
    const { closed } = await openConnection(throughProxy())
    await proxy.cut()
    await closed
    expect(await acceptsAmqp(throughProxy())).toBe(false)
    await proxy.restore()
    expect(await acceptsAmqp(throughProxy())).toBe(true)
  }, 60_000)

  it('a blackhole cut stalls traffic until restore', async () => {
    onTestFinished(() => proxy?.close())
    proxy = await startTcpProxy(sharedBroker.port)
    const { connection } = await openConnection(throughProxy())
    const channel = await connection.createChannel()
    await channel.assertQueue('stalled', { exclusive: true })
    await proxy.cut('blackhole')
    let answered = false
    const pending = channel.checkQueue('stalled').then((reply) => ((answered = true), reply))
    expect(await acceptsAmqp(throughProxy(), 500)).toBe(false) // the handshake gets no answer
    expect(answered).toBe(false)
    await proxy.restore()
    expect(await pending).toMatchObject({ queue: 'stalled' })
    await connection.close()
  }, 60_000)
})
