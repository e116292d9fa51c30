import type { Logger } from 'pino'
import type { DhcpPluginApi } from '../rpc/apis/dhcp-plugin-api.js'

/** Most port ids per `dhcp_ready_on_ports` call (Neutron's DHCP_READY_PORTS_SYNC_MAX). */
const BATCH = 64
/** How often the set is flushed (milliseconds), as Neutron's 0.1 s loop. */
const INTERVAL_MS = 100

/**
 * Ports whose DHCP entries are in place, told to the server in batches (spec §3.7) so their
 * provisioning completes; ids of a failed call go back into the set.
 */
export class ReadyPorts {
  private readonly pending = new Set<string>()
  private timer: NodeJS.Timeout | undefined
  private inFlight: Promise<void> | undefined

  constructor(
    private readonly api: DhcpPluginApi,
    private readonly log: Logger,
  ) {}

  add(portIds: readonly string[]): void {
    for (const id of portIds) this.pending.add(id)
  }

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), INTERVAL_MS)
  }

  async stop(): Promise<void> {
    clearInterval(this.timer)
    this.timer = undefined
    await this.inFlight
  }

  private async flush(): Promise<void> {
    if (this.inFlight || this.pending.size === 0) return
    const batch = [...this.pending].slice(0, BATCH)
    for (const id of batch) this.pending.delete(id)
    this.inFlight = this.api
      .dhcpReadyOnPorts(batch)
      .catch((error: unknown) => {
        this.log.debug(
          { err: error, ports: batch.length },
          'dhcp_ready_on_ports failed; will retry',
        )
        this.add(batch)
      })
      .finally(() => {
        this.inFlight = undefined
      })
    await this.inFlight
  }
}
