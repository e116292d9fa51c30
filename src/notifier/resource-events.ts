import type { Network, Port, Subnet } from '../common/resources.js'

/** What a network delete event tells: the id. */
export type DeletedNetwork = Pick<Network, 'id'>

/** What a subnet delete event tells: the id and the network it was on. */
export type DeletedSubnet = Pick<Subnet, 'id' | 'network_id'>

/** What a port delete event tells: the id, the network and the addresses it held. */
export type DeletedPort = Pick<Port, 'id' | 'network_id' | 'fixed_ips'>

/** A network change that has committed; `original` is the API dict before an update. */
export type NetworkEvent =
  | { readonly type: 'network.create'; readonly network: Network }
  | { readonly type: 'network.update'; readonly network: Network; readonly original: Network }
  | { readonly type: 'network.delete'; readonly network: DeletedNetwork }

/** A subnet change that has committed; `original` is the API dict before an update. */
export type SubnetEvent =
  | { readonly type: 'subnet.create'; readonly subnet: Subnet }
  | { readonly type: 'subnet.update'; readonly subnet: Subnet; readonly original: Subnet }
  | { readonly type: 'subnet.delete'; readonly subnet: DeletedSubnet }

/** A port change that has committed; `original` is the API dict before an update. */
export type PortEvent =
  | { readonly type: 'port.create'; readonly port: Port }
  | { readonly type: 'port.update'; readonly port: Port; readonly original: Port }
  | { readonly type: 'port.delete'; readonly port: DeletedPort }

/**
 * A change the core plugin has committed (Neutron's AFTER_CREATE / AFTER_UPDATE / AFTER_DELETE
 * callbacks). Create and update events carry the API dict after the change.
 */
export type ResourceEvent = NetworkEvent | SubnetEvent | PortEvent

/**
 * Receives the plugin's change events, one at a time and in commit order per API call. The
 * change has committed already, so `publish` must not reject: it handles its own failures.
 */
export interface ResourceEventSink {
  publish(event: ResourceEvent): Promise<void>
}

/** A sink that drops every event: the plugin's default when nothing listens. */
export const noopEventSink: ResourceEventSink = Object.freeze({
  publish: (): Promise<void> => Promise.resolve(),
})

/** Publishes events one after the other, each once the previous one is handled. */
export async function publishAll(
  sink: ResourceEventSink,
  events: readonly ResourceEvent[],
): Promise<void> {
  for (const event of events) await sink.publish(event)
}
