import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { NetworkNotFound } from '../../../src/common/errors.js'
import { encodeEnvelope } from '../../../src/rpc/envelope.js'
import { adminRpcContext } from '../../../src/rpc/rpc-context.js'
import {
  MessagingTimeout,
  NoSuchMethod,
  RemoteError,
  UnsupportedVersion,
} from '../../../src/rpc/rpc-errors.js'
import type { RpcArgs, RpcEndpoint } from '../../../src/rpc/types.js'
import { testBuses, useTestBus, waitFor } from '../../support/rpc.js'

const ctx = adminRpcContext()

function topicName(): string {
  return `contract_${randomBytes(4).toString('hex')}`
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** An endpoint that records what it gets and answers like oslo's echo contract. */
function echoEndpoint(
  name: string,
  seen: { server: string; method: string; args: RpcArgs }[],
): RpcEndpoint {
  return {
    version: '1.10',
    methods: {
      echo: (_c, args) => {
        seen.push({ server: name, method: 'echo', args })
        return { server: name, args }
      },
      note: (_c, args) => {
        seen.push({ server: name, method: 'note', args })
      },
      fail: (_c, args) => {
        throw new NetworkNotFound(String(args['network_id']))
      },
      explode: () => {
        throw new TypeError('a bug')
      },
      slow: async (_c, args) => {
        await sleep(Number(args['ms']))
        return 'done'
      },
      _private: () => 'never',
    },
  }
}

for (const kind of testBuses()) {
  describe(`${kind}: RPC transport contract`, () => {
    const bus = useTestBus(kind)

    async function serve(
      topic: string,
      server: string,
      seen: { server: string; method: string; args: RpcArgs }[],
    ) {
      const rpcServer = bus()
        .messaging()
        .server({ topic, server }, [echoEndpoint(server, seen)])
      await rpcServer.start()
      return rpcServer
    }

    it('answers a call to the topic and to one server of it', async () => {
      const topic = topicName()
      const seen: { server: string; method: string; args: RpcArgs }[] = []
      await serve(topic, 'host-a', seen)
      await serve(topic, 'host-b', seen)
      const client = bus().messaging().client({ topic, version: '1.0' })
      const any = await client.call(ctx, 'echo', { n: 1 })
      expect(any).toMatchObject({ args: { n: 1 } })
      for (let i = 0; i < 4; i++) {
        expect(await client.prepare({ server: 'host-b' }).call(ctx, 'echo', { i })).toEqual({
          server: 'host-b',
          args: { i },
        })
      }
    })

    it('delivers a cast, a cast to one server, and a fanout cast to every server', async () => {
      const topic = topicName()
      const seen: { server: string; method: string; args: RpcArgs }[] = []
      await serve(topic, 'host-a', seen)
      await serve(topic, 'host-b', seen)
      const client = bus().messaging().client({ topic, version: '1.0' })
      await client.cast(ctx, 'note', { what: 'any' })
      await client.prepare({ server: 'host-a' }).cast(ctx, 'note', { what: 'direct' })
      await client.prepare({ fanout: true }).cast(ctx, 'note', { what: 'fanout' })
      await waitFor(() => seen.length === 4, { what: 'four casts' })
      expect(seen.filter((s) => s.args['what'] === 'any')).toHaveLength(1)
      expect(seen.filter((s) => s.args['what'] === 'direct').map((s) => s.server)).toEqual([
        'host-a',
      ])
      expect(
        seen
          .filter((s) => s.args['what'] === 'fanout')
          .map((s) => s.server)
          .sort(),
      ).toEqual(['host-a', 'host-b'])
    })

    it('times out a call nobody answers with MessagingTimeout', async () => {
      const client = bus()
        .messaging({ timeoutSeconds: 1 })
        .client({ topic: topicName(), version: '1.0' })
      const started = Date.now()
      const error = await client.call(ctx, 'echo', {}).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(MessagingTimeout)
      expect((error as Error).message).toMatch(
        /^Timed out waiting for a reply to message ID [0-9a-f]{32}$/,
      )
      expect(Date.now() - started).toBeGreaterThanOrEqual(900)
    })

    it('carries a remote failure back with its Neutron exception class', async () => {
      const topic = topicName()
      await serve(topic, 'host-a', [])
      const client = bus().messaging().client({ topic, version: '1.0' })
      const error = await client.call(ctx, 'fail', { network_id: 'n-1' }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(RemoteError)
      expect(error).toMatchObject({
        excType: 'NetworkNotFound',
        module: 'neutron_lib.exceptions',
        value: 'Network n-1 could not be found.',
      })
      const bug = await client.call(ctx, 'explode').catch((e: unknown) => e)
      expect(bug).toMatchObject({ excType: 'TypeError', value: 'a bug' })
    })

    it('refuses versions and namespaces the endpoint does not serve, and unknown methods', async () => {
      const topic = topicName()
      await serve(topic, 'host-a', [])
      const client = bus().messaging().client({ topic, version: '1.0' })
      expect(await client.prepare({ version: '1.10' }).call(ctx, 'echo', {})).toBeTruthy()
      expect(await client.prepare({ version: '1.9' }).call(ctx, 'echo', {})).toBeTruthy()
      const major = await client
        .prepare({ version: '2.0' })
        .call(ctx, 'echo')
        .catch((e: unknown) => e)
      expect(major).toBeInstanceOf(UnsupportedVersion)
      expect((major as RemoteError).value).toBe(
        'Endpoint does not support RPC version 2.0. Attempted method: echo',
      )
      const minor = await client
        .prepare({ version: '1.11' })
        .call(ctx, 'echo')
        .catch((e: unknown) => e)
      expect(minor).toBeInstanceOf(UnsupportedVersion)
      const namespace = await client
        .prepare({ namespace: 'other' })
        .call(ctx, 'echo')
        .catch((e: unknown) => e)
      expect(namespace).toBeInstanceOf(UnsupportedVersion)
      const missing = await client.call(ctx, 'nonesuch').catch((e: unknown) => e)
      expect(missing).toBeInstanceOf(NoSuchMethod)
      const hidden = await client.call(ctx, '_private').catch((e: unknown) => e)
      expect(hidden).toBeInstanceOf(NoSuchMethod)
    })

    it('rejects malformed messages and keeps serving', async () => {
      const topic = topicName()
      const seen: { server: string; method: string; args: RpcArgs }[] = []
      await serve(topic, 'host-a', seen)
      const transport = bus().transport()
      const to = { kind: 'topic' as const, topic }
      await transport.publish(to, 'not json at all')
      await transport.publish(to, JSON.stringify({ 'oslo.version': '2.1', 'oslo.message': '{}' }))
      await transport.publish(
        to,
        JSON.stringify({ 'oslo.version': '2.0', 'oslo.message': { method: 'note' } }),
      )
      await transport.publish(to, encodeEnvelope({ method: 42, args: {} }))
      await transport.publish(to, encodeEnvelope({ method: 'note', args: [1, 2] }))
      await transport.publish(to, encodeEnvelope({ method: 'note', args: {}, _msg_id: 'x' }))
      await transport.publish(to, '[]')
      const client = bus().messaging().client({ topic, version: '1.0' })
      expect(await client.call(ctx, 'echo', { after: true })).toMatchObject({
        args: { after: true },
      })
      expect(seen.map((s) => s.method)).toEqual(['echo'])
    })

    it('handles 1,000 casts in a row in order per key, and keys side by side', async () => {
      const topic = topicName()
      const order: Record<string, number[]> = { a: [], b: [] }
      let running = 0
      let overlap = 0
      const endpoint: RpcEndpoint = {
        version: '1.0',
        orderingKey: (_m, args) => String(args['key']),
        methods: {
          step: async (_c, args) => {
            running++
            overlap = Math.max(overlap, running)
            if (Number(args['seq']) % 50 === 0) await sleep(2)
            order[String(args['key'])]?.push(Number(args['seq']))
            running--
          },
        },
      }
      await bus().messaging().server({ topic, server: 'host-a' }, [endpoint]).start()
      const client = bus().messaging().client({ topic, version: '1.0', server: 'host-a' })
      for (let seq = 0; seq < 1000; seq++) {
        await client.cast(ctx, 'step', { key: seq % 2 === 0 ? 'a' : 'b', seq })
      }
      await waitFor(() => (order['a']?.length ?? 0) + (order['b']?.length ?? 0) === 1000, {
        timeoutMs: 30_000,
        what: '1000 casts',
      })
      const expected = (parity: number) => Array.from({ length: 500 }, (_, i) => i * 2 + parity)
      expect(order['a']).toEqual(expected(0))
      expect(order['b']).toEqual(expected(1))
      expect(overlap).toBe(2)
    }, 60_000)

    it('keeps a long call alive with call-monitor heartbeats', async () => {
      const topic = topicName()
      await serve(topic, 'host-a', [])
      const client = bus()
        .messaging({ timeoutSeconds: 20 })
        .client({ topic, version: '1.0' }, { callMonitorTimeoutSeconds: 2 })
      expect(await client.call(ctx, 'slow', { ms: 3500 })).toBe('done')
    }, 30_000)

    it('gives a request whose server went away before answering to another server', async () => {
      const topic = topicName()
      let firstStarted = false
      const stuck: RpcEndpoint = {
        version: '1.0',
        methods: {
          work: async () => {
            firstStarted = true
            await sleep(3000)
            return 'from the first'
          },
        },
      }
      const first = bus().messaging()
      await first.server({ topic, server: 'first' }, [stuck]).start()
      const client = bus().messaging({ timeoutSeconds: 20 }).client({ topic, version: '1.0' })
      const answer = client.call(ctx, 'work')
      await waitFor(() => firstStarted, { what: 'the first server to start' })
      await first.transport.close()
      const second = bus().messaging()
      await second
        .server({ topic, server: 'second' }, [
          { version: '1.0', methods: { work: () => 'from the second' } },
        ])
        .start()
      expect(await answer).toBe('from the second')
    }, 30_000)

    it('drops a late reply for a call that already timed out', async () => {
      const topic = topicName()
      await serve(topic, 'host-a', [])
      const messaging = bus().messaging({ timeoutSeconds: 1 })
      const client = messaging.client({ topic, version: '1.0' })
      await expect(client.call(ctx, 'slow', { ms: 1500 })).rejects.toBeInstanceOf(MessagingTimeout)
      await sleep(800)
      expect(await client.call(ctx, 'echo', { again: 1 })).toMatchObject({ args: { again: 1 } })
    }, 30_000)
  })
}
