import type { Logger } from 'pino'
import { KeyedExecutor } from '../common/keyed-executor.js'
import type { ResourceEvent, ResourceEventSink } from './resource-events.js'

/** The network an event is about: the key its notifications are ordered by. */
export function networkIdOf(event: ResourceEvent): string {
  switch (event.type) {
    case 'network.create':
    case 'network.update':
    case 'network.delete':
      return event.network.id
    case 'subnet.create':
    case 'subnet.update':
    case 'subnet.delete':
      return event.subnet.network_id
    case 'port.create':
    case 'port.update':
    case 'port.delete':
      return event.port.network_id
  }
}

/**
 * Hands events to an inner sink in the background, in order per network and side by side
 * across networks, so an API call returns once its change has committed and never waits for the
 * bus (which may be reconnecting). `drain` waits for what is queued, for a clean stop.
 */
export class OrderedEventSink implements ResourceEventSink {
  private readonly executor: KeyedExecutor

  constructor(
    private readonly inner: ResourceEventSink,
    private readonly log: Logger,
    concurrency = 16,
  ) {
    this.executor = new KeyedExecutor(concurrency)
  }

  publish(event: ResourceEvent): Promise<void> {
    void this.executor.submit(networkIdOf(event), async () => {
      try {
        await this.inner.publish(event)
      } catch (error) {
        this.log.error({ err: error, event: event.type }, 'could not notify the DHCP agents')
      }
    })
    return Promise.resolve()
  }

  /** Waits until every queued event has been handed over, or `timeoutMs` has passed. */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref())
    await Promise.race([this.executor.idle(), deadline])
  }
}
