/**
 * How the DHCP port's device is plugged into the network (spec §5, `interface_driver`). The
 * device appears inside the network's namespace with the port's MAC address.
 */

/** What plugging one port needs. */
export interface PlugOptions {
  readonly networkId: string
  readonly portId: string
  readonly macAddress: string
  /** Bytes; 0 leaves the kernel's default. */
  readonly mtu: number
  readonly namespace: string
}

/** Which plugged device to remove: its name inside the namespace (from `deviceName`). */
export interface UnplugOptions {
  readonly device: string
  readonly namespace: string
}

/** Plugs and configures ports' devices. Every operation is idempotent. */
export interface InterfaceDriver {
  /** Whether ports sit on a real L2 segment (false adds `--bridge-interface` to dnsmasq, §5). */
  readonly bridged: boolean
  /** The name of the port's device inside the namespace (at most 14 characters). */
  deviceName(portId: string): string
  /** Creates the port's device (or reuses it, re-applying MAC and MTU); returns its name. */
  plug(options: PlugOptions): Promise<string>
  /** Removes the port's device; nothing happens when it is gone already. */
  unplug(options: UnplugOptions): Promise<void>
  /** Gives the device exactly the addresses `cidrs` (`<ip>/<prefixlen>`), link-local kept. */
  initL3(namespace: string, device: string, cidrs: readonly string[]): Promise<void>
  /** Sets (or, for null, removes) the namespace's default route of one IP version via `device`. */
  setDefaultRoute(
    namespace: string,
    device: string,
    gateway: string | null,
    ipVersion: 4 | 6,
  ): Promise<void>
  /** Deletes every device in the namespace except loopback and `keep` (stale devices). */
  deleteStaleDevices(namespace: string, keep: string): Promise<void>
  /** Removes what the driver made for the network outside namespaces, once nothing uses it. */
  deleteBridgeIfUnused(networkId: string): Promise<void>
}
