import type { DatabaseHandle } from '../db/database.js'
import { NetworkService } from './networks.js'
import type { PluginOptions } from './plugin-options.js'
import { PortService } from './ports.js'
import { SubnetService } from './subnets.js'

/** The core plugin: networks, subnets and ports over one database. */
export class CorePlugin {
  readonly networks: NetworkService
  readonly subnets: SubnetService
  readonly ports: PortService

  constructor(handle: DatabaseHandle, options: PluginOptions) {
    this.networks = new NetworkService(handle, options)
    this.subnets = new SubnetService(handle, options, this.networks)
    this.ports = new PortService(handle, options, this.networks)
  }
}
