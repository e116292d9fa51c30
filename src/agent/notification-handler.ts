import type { Logger } from 'pino'
import type { DhcpPort } from '../common/dhcp-network.js'
import type { NetworkActions } from './network-actions.js'
import type { NetworkCache } from './network-cache.js'
import type { ResourceUpdate } from './update-queue.js'

/** spec §4.3: ports that never get a DHCP entry, so their changes need no reload. */
const IGNORED_OWNERS = new Set([
  'network:router_ha_interface',
  'network:floatingip',
  'network:distributed',
])

/** What a port message asks of the network: nothing, a reload, a restart or a resync. */
type PortOutcome = 'ignore' | 'reload' | 'restart' | 'resync'

function isPort(value: unknown): value is DhcpPort {
  const port = value as Partial<DhcpPort> | null
  return (
    typeof port === 'object' &&
    port !== null &&
    typeof port.id === 'string' &&
    typeof port.network_id === 'string' &&
    Array.isArray(port.fixed_ips)
  )
}

function addressKey(port: DhcpPort): string {
  return port.fixed_ips
    .map((ip) => `${ip.subnet_id}/${ip.ip_address}`)
    .sort()
    .join(',')
}

function subnetKey(port: DhcpPort): string {
  return [...new Set(port.fixed_ips.map((ip) => ip.subnet_id))].sort().join(',')
}

/**
 * Handles one network's batch of casts from the server (spec §3.6) in priority order. Port
 * changes only update the cache and mark the network for one reload at the end of the batch, so
 * a burst of them costs one rewrite and one SIGHUP.
 */
export class NotificationHandler {
  constructor(
    private readonly deps: {
      readonly cache: NetworkCache
      readonly actions: NetworkActions
      readonly ready: (portIds: readonly string[]) => void
      readonly resync: (reason: string, networkId: string | null) => void
      readonly log: Logger
    },
  ) {}

  async handleBatch(networkId: string, updates: readonly ResourceUpdate[]): Promise<void> {
    let reload = false
    let readyAfterReload: string[] = []
    const { actions } = this.deps
    try {
      for (const update of updates) {
        const outcome = await this.handleOne(networkId, update)
        if (outcome.reload) reload = true
        readyAfterReload.push(...outcome.ready)
        if (outcome.flush) {
          reload = false
          readyAfterReload = []
        }
      }
      if (reload) await actions.reload(networkId)
      this.deps.ready(readyAfterReload)
    } catch (error) {
      this.deps.log.warn(
        { err: error, network_id: networkId },
        'handling a change failed; resyncing the network',
      )
      this.deps.resync(`error handling ${updates.map((u) => u.method).join(',')}`, networkId)
    }
  }

  /** One update; `flush` means it rewrote everything, so earlier reloads are covered. */
  private async handleOne(
    networkId: string,
    update: ResourceUpdate,
  ): Promise<{ reload: boolean; ready: string[]; flush: boolean }> {
    const { actions } = this.deps
    const payload = update.payload
    const none = { reload: false, ready: [], flush: false }
    switch (update.method) {
      case 'network_create_end':
        await actions.enable(networkId)
        return { ...none, flush: true }
      case 'network_update_end': {
        const network = payload['network'] as { admin_state_up?: unknown } | undefined
        if (network?.admin_state_up === false) await actions.disable(networkId)
        else await actions.enable(networkId)
        return { ...none, flush: true }
      }
      case 'network_delete_end':
        await actions.disable(networkId)
        return { ...none, flush: true }
      case 'subnet_create_end':
      case 'subnet_update_end':
      case 'subnet_delete_end':
        await actions.refresh(networkId)
        return { ...none, flush: true }
      case 'port_create_end':
      case 'port_update_end':
        return this.portChanged(payload['port'], update.method === 'port_create_end')
      case 'port_delete_end':
        return this.portDeleted(String(payload['port_id']), networkId)
      default:
        this.deps.log.warn({ method: update.method }, 'unknown change; ignored')
        return none
    }
  }

  private async portChanged(
    value: unknown,
    created: boolean,
  ): Promise<{ reload: boolean; ready: string[]; flush: boolean }> {
    const none = { reload: false, ready: [], flush: false }
    if (!isPort(value)) return none
    const outcome = this.portOutcome(value, created)
    switch (outcome) {
      case 'ignore':
        return none
      case 'resync':
        this.deps.resync(`port ${value.id} conflicts with the cached network`, value.network_id)
        return none
      case 'restart':
        this.deps.cache.putPort(value)
        this.deps.actions.dhcpPorts.set(value.network_id, value)
        await this.deps.actions.restart(value.network_id)
        return { ...none, flush: true }
      case 'reload':
        this.deps.cache.putPort(value)
        return { reload: true, ready: [value.id], flush: false }
    }
  }

  private portOutcome(port: DhcpPort, created: boolean): PortOutcome {
    const { cache, actions } = this.deps
    if (IGNORED_OWNERS.has(port.device_owner)) return 'ignore'
    if (cache.isPortMessageStale(port)) return 'ignore'
    const network = cache.get(port.network_id)
    if (!network) return 'ignore'
    const own = actions.dhcpPorts.get(port.network_id)
    if (own && (port.id === own.id || port.device_id === actions.deviceId(port.network_id))) {
      // spec §3.6: our own port's subnets changed → resync; its addresses changed → restart
      if (subnetKey(port) !== subnetKey(own)) return 'resync'
      return addressKey(port) === addressKey(own) ? 'reload' : 'restart'
    }
    if (created) {
      const addresses = new Set(port.fixed_ips.map((ip) => ip.ip_address))
      const clash = network.ports.some(
        (other) =>
          (other.id !== port.id || other.mac_address !== port.mac_address) &&
          other.fixed_ips.some((ip) => addresses.has(ip.ip_address)),
      )
      if (clash) return 'resync'
    }
    return 'reload'
  }

  private async portDeleted(
    portId: string,
    networkId: string,
  ): Promise<{ reload: boolean; ready: string[]; flush: boolean }> {
    const { cache, actions } = this.deps
    const network = cache.get(networkId)
    cache.removePort(portId)
    if (!network) return { reload: false, ready: [], flush: false }
    if (actions.dhcpPorts.get(networkId)?.id === portId) {
      await actions.disable(networkId, { retainPort: true })
      this.deps.resync('the agent’s DHCP port was deleted', networkId)
      return { reload: false, ready: [], flush: true }
    }
    return { reload: true, ready: [], flush: false }
  }
}
