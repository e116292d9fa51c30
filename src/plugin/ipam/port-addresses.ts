import {
  AllocationOnAutoAddressSubnet,
  HttpBadRequest,
  InvalidInput,
  InvalidIpForNetwork,
  InvalidIpForSubnet,
  IpAddressAlreadyAllocated,
  IpAddressGenerationFailure,
} from '../../common/errors.js'
import { cidrContains, cidrFirst, cidrLast, type Cidr } from '../../common/net/cidr.js'
import { formatIp, parseIp } from '../../common/net/ip.js'
import { eui64Address } from '../../common/net/mac.js'
import { ROUTER_INTERFACE_OWNERS, type FixedIp, type Ipv6Mode } from '../../common/resources.js'
import type { Executor } from '../../db/schema.js'
import { takenAmong } from '../../db/tables/ip-allocations.js'
import { pickAddress, type AllocationStrategy } from './allocator.js'
import type { IpRange } from './pools.js'

/** What IPAM needs to know of a subnet. */
export interface IpamSubnet {
  readonly id: string
  readonly cidr: Cidr
  readonly ipv6AddressMode: Ipv6Mode | null
  readonly ipv6RaMode: Ipv6Mode | null
  readonly pools: readonly IpRange[]
}

/** A requested fixed IP: a subnet, an address, or both. */
export interface FixedIpRequest {
  readonly subnet_id?: string
  readonly ip_address?: string
}

/** Whether ports on the subnet get an EUI-64 address (SLAAC or DHCPv6-stateless). */
export function isAutoAddressSubnet(subnet: IpamSubnet): boolean {
  if (subnet.cidr.version !== 6) return false
  const mode = subnet.ipv6AddressMode
  if (mode !== null) return mode === 'slaac' || mode === 'dhcpv6-stateless'
  return subnet.ipv6RaMode === 'slaac' || subnet.ipv6RaMode === 'dhcpv6-stateless'
}

function isRouterPort(deviceOwner: string): boolean {
  return ROUTER_INTERFACE_OWNERS.includes(deviceOwner) || deviceOwner === 'network:router_gateway'
}

/** IPv4 network and broadcast addresses are no host's (for prefixes up to /30). */
function isHostAddress(cidr: Cidr, value: bigint): boolean {
  if (cidr.version !== 4 || cidr.prefixlen > 30) return true
  return value !== cidrFirst(cidr) && value !== cidrLast(cidr)
}

async function allocateFrom(
  db: Executor,
  subnets: readonly IpamSubnet[],
  strategy: AllocationStrategy,
): Promise<FixedIp | undefined> {
  for (const subnet of subnets) {
    const address = await pickAddress(db, subnet, strategy)
    if (address !== undefined) return { subnet_id: subnet.id, ip_address: address }
  }
  return undefined
}

/** Resolves one explicit request to a concrete address, checking Neutron's rules. */
async function resolveRequest(
  db: Executor,
  networkId: string,
  request: FixedIpRequest,
  subnets: readonly IpamSubnet[],
  port: { mac: string; deviceOwner: string; strategy: AllocationStrategy },
): Promise<FixedIp> {
  let subnet: IpamSubnet | undefined
  const ip = request.ip_address === undefined ? undefined : parseIp(request.ip_address)
  if (request.subnet_id !== undefined) {
    subnet = subnets.find((s) => s.id === request.subnet_id)
    if (!subnet) {
      throw new InvalidInput(
        `Failed to create port on network ${networkId}, because fixed_ips included invalid subnet ${request.subnet_id}`,
      )
    }
  } else if (ip) {
    subnet = subnets.find((s) => cidrContains(s.cidr, ip))
    if (!subnet) throw new InvalidIpForNetwork(request.ip_address ?? '')
  } else {
    throw new InvalidInput('IP allocation requires subnet_id or ip_address')
  }
  if (request.ip_address === undefined) {
    if (isAutoAddressSubnet(subnet)) {
      return { subnet_id: subnet.id, ip_address: formatIp(eui64Address(subnet.cidr, port.mac)) }
    }
    const picked = await allocateFrom(db, [subnet], port.strategy)
    if (!picked) throw new IpAddressGenerationFailure(networkId)
    return picked
  }
  if (!ip || !cidrContains(subnet.cidr, ip) || !isHostAddress(subnet.cidr, ip.value)) {
    throw new InvalidIpForSubnet(request.ip_address)
  }
  const address = formatIp(ip)
  if (isAutoAddressSubnet(subnet) && !isRouterPort(port.deviceOwner)) {
    if (address !== formatIp(eui64Address(subnet.cidr, port.mac))) {
      throw new AllocationOnAutoAddressSubnet(address, subnet.id)
    }
  }
  if ((await takenAmong(db, subnet.id, [address])).size > 0) {
    throw new IpAddressAlreadyAllocated(address, subnet.id)
  }
  return { subnet_id: subnet.id, ip_address: address }
}

/**
 * The addresses a port gets. With no request: one from the first IPv4 subnet with room, one
 * from the first stateful IPv6 subnet with room; and always (router ports aside) an EUI-64
 * address on every SLAAC/stateless subnet not already covered. `keep` lists addresses the port
 * holds already (updates); they are not re-checked.
 */
export async function addressesForPort(
  db: Executor,
  options: {
    networkId: string
    subnets: readonly IpamSubnet[]
    requested: readonly FixedIpRequest[] | undefined
    keep?: readonly FixedIp[]
    mac: string
    deviceOwner: string
    strategy: AllocationStrategy
  },
): Promise<FixedIp[]> {
  const out: FixedIp[] = []
  const port = { mac: options.mac, deviceOwner: options.deviceOwner, strategy: options.strategy }
  if (options.requested === undefined) {
    const v4 = options.subnets.filter((s) => s.cidr.version === 4)
    const v6 = options.subnets.filter((s) => s.cidr.version === 6 && !isAutoAddressSubnet(s))
    for (const group of [v4, v6]) {
      if (group.length === 0) continue
      const picked = await allocateFrom(db, group, options.strategy)
      if (!picked) throw new IpAddressGenerationFailure(options.networkId)
      out.push(picked)
    }
  } else {
    for (const request of options.requested) {
      const resolved = await resolveRequest(db, options.networkId, request, options.subnets, port)
      if (
        out.some((f) => f.ip_address === resolved.ip_address && f.subnet_id === resolved.subnet_id)
      ) {
        throw new HttpBadRequest(
          `Invalid input for fixed_ips. Reason: Duplicate IP address '${resolved.ip_address}'.`,
        )
      }
      out.push(resolved)
    }
  }
  if (!isRouterPort(options.deviceOwner)) {
    const covered = new Set([...out, ...(options.keep ?? [])].map((f) => f.subnet_id))
    for (const subnet of options.subnets) {
      if (!isAutoAddressSubnet(subnet) || covered.has(subnet.id)) continue
      out.push({
        subnet_id: subnet.id,
        ip_address: formatIp(eui64Address(subnet.cidr, options.mac)),
      })
    }
  }
  return out
}
