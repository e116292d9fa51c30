import { isDeepStrictEqual } from 'node:util'
import type { Port } from '../common/resources.js'
import type { RpcArgs, RpcTarget } from '../rpc/types.js'
import type { ResourceEvent } from './resource-events.js'

/**
 * DhcpAgentNotifyAPI: the casts the server sends to DHCP agents (spec §2.3).
 * Version history: 1.0 - network/subnet/port *_end casts and agent_updated (the only version).
 */
export const dhcpAgentNotifyTarget: RpcTarget = Object.freeze({
  topic: 'dhcp_agent',
  version: '1.0',
})

/** The device_id of a DHCP port kept for the next agent after its network left an agent. */
export const RESERVED_DHCP_PORT_DEVICE_ID = 'reserved_dhcp_port'

/** The resource casts of DhcpAgentNotifyAPI. */
export type DhcpAgentMethod =
  | 'network_create_end'
  | 'network_update_end'
  | 'network_delete_end'
  | 'subnet_create_end'
  | 'subnet_update_end'
  | 'subnet_delete_end'
  | 'port_create_end'
  | 'port_update_end'
  | 'port_delete_end'

/** `payload.priority` per method; agents handle lower numbers first (spec §2.3). */
export const NOTIFICATION_PRIORITY: Readonly<Record<DhcpAgentMethod, number>> = Object.freeze({
  network_create_end: 0,
  network_update_end: 1,
  network_delete_end: 2,
  subnet_create_end: 3,
  subnet_update_end: 3,
  subnet_delete_end: 4,
  port_create_end: 6,
  port_update_end: 6,
  port_delete_end: 6,
})

/** The priority of port_create_end for the one agent chosen at random to hear it first. */
export const PORT_CREATE_HIGH_PRIORITY = 5

/** Port fields whose change is sent to agents; other port updates are not (spec §2.3). */
export const DHCP_RELEVANT_PORT_FIELDS = [
  'fixed_ips',
  'mac_address',
  'extra_dhcp_opts',
  'dns_name',
  'dns_assignment',
  'dns_domain',
] as const

/** A port with the dns extension's fields, which our ports do not have (yet). */
type PortWithDns = Port & {
  readonly dns_name?: unknown
  readonly dns_assignment?: unknown
  readonly dns_domain?: unknown
}

/** Whether a port update changed something a DHCP agent serves. */
export function isDhcpRelevantPortChange(original: PortWithDns, port: PortWithDns): boolean {
  return DHCP_RELEVANT_PORT_FIELDS.some((field) => !isDeepStrictEqual(original[field], port[field]))
}

/** One notification to send: the method, its payload before the priority, and the network. */
export interface DhcpNotification {
  readonly method: DhcpAgentMethod
  readonly payload: RpcArgs
  readonly networkId: string
  /** Schedule the network before casting (subnet create, port create but a reserved port's). */
  readonly scheduleFirst: boolean
}

/** The notification a committed change makes, or undefined when agents are not told. */
export function notificationFor(event: ResourceEvent): DhcpNotification | undefined {
  switch (event.type) {
    case 'network.create':
      // spec §10.1 #1: never on API create; network_create_end goes out when it gets bound.
      return undefined
    case 'network.update':
      return notification('network_update_end', event.network.id, { network: event.network })
    case 'network.delete':
      return notification('network_delete_end', event.network.id, { network_id: event.network.id })
    case 'subnet.create':
      return notification(
        'subnet_create_end',
        event.subnet.network_id,
        { subnet: event.subnet },
        true,
      )
    case 'subnet.update':
      return notification('subnet_update_end', event.subnet.network_id, { subnet: event.subnet })
    case 'subnet.delete': {
      const { id, network_id } = event.subnet
      return notification('subnet_delete_end', network_id, { subnet_id: id, network_id })
    }
    case 'port.create': {
      const { port } = event
      const reserved = port.device_id === RESERVED_DHCP_PORT_DEVICE_ID
      return notification('port_create_end', port.network_id, { port }, !reserved)
    }
    case 'port.update':
      if (!isDhcpRelevantPortChange(event.original, event.port)) return undefined
      return notification('port_update_end', event.port.network_id, { port: event.port })
    case 'port.delete': {
      const { id, network_id, fixed_ips } = event.port
      return notification('port_delete_end', network_id, { port_id: id, network_id, fixed_ips })
    }
  }
}

function notification(
  method: DhcpAgentMethod,
  networkId: string,
  payload: RpcArgs,
  scheduleFirst = false,
): DhcpNotification {
  return { method, networkId, payload, scheduleFirst }
}
