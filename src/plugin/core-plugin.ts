import type { DatabaseHandle } from '../db/database.js'
import { noopEventSink, type ResourceEventSink } from '../notifier/resource-events.js'
import { NetworkService } from './networks.js'
import type { PluginOptions } from './plugin-options.js'
import { PortService } from './ports.js'
import { SubnetService } from './subnets.js'

/**
 * The core plugin: networks, subnets and ports over one database. Committed changes go to
 * `events` (the DHCP agent notifier in a server), after their transaction.
 */
export class CorePlugin {
  readonly networks: NetworkService
  readonly subnets: SubnetService
  readonly ports: PortService

  constructor(
    handle: DatabaseHandle,
    options: PluginOptions,
    events: ResourceEventSink = noopEventSink,
  ) {
    this.networks = new NetworkService(handle, options, events)
    this.subnets = new SubnetService(handle, options, this.networks, events)
    this.ports = new PortService(handle, options, this.networks, events)
  }
}
