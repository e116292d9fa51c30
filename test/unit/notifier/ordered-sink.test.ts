import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { OrderedEventSink } from '../../../src/notifier/ordered-sink.js'
import type { ResourceEvent, ResourceEventSink } from '../../../src/notifier/resource-events.js'

function portDelete(networkId: string, portId: string): ResourceEvent {
  return { type: 'port.delete', port: { id: portId, network_id: networkId, fixed_ips: [] } }
}

describe('OrderedEventSink', () => {
  it('returns before the inner sink has run, and keeps order per network', async () => {
    const seen: string[] = []
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const inner: ResourceEventSink = {
      publish: async (event) => {
        if (event.type !== 'port.delete') return
        if (event.port.id === 'a1') await gate
        seen.push(event.port.id)
      },
    }
    const sink = new OrderedEventSink(inner, pino({ level: 'silent' }))
    await sink.publish(portDelete('net-a', 'a1'))
    await sink.publish(portDelete('net-a', 'a2'))
    await sink.publish(portDelete('net-b', 'b1'))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(seen).toEqual(['b1'])
    release()
    await sink.drain(1000)
    expect(seen).toEqual(['b1', 'a1', 'a2'])
  })

  it('logs a failing inner sink and goes on with the next event', async () => {
    const seen: string[] = []
    const inner: ResourceEventSink = {
      publish: async (event) => {
        if (event.type === 'port.delete' && event.port.id === 'bad') throw new Error('bus down')
        if (event.type === 'port.delete') seen.push(event.port.id)
      },
    }
    const sink = new OrderedEventSink(inner, pino({ level: 'silent' }))
    await sink.publish(portDelete('net-a', 'bad'))
    await sink.publish(portDelete('net-a', 'good'))
    await sink.drain(1000)
    expect(seen).toEqual(['good'])
  })
})
