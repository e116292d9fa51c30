import { parseIp } from '../../common/net/ip.js'
import type { Ipv6Mode } from '../../common/resources.js'
import type { Executor } from '../../db/schema.js'
import { poolsOfSubnets } from '../../db/tables/subnet-details.js'
import { mustParseCidr } from '../subnet-rules.js'
import type { IpamSubnet } from './port-addresses.js'

/** The subnets of a network as IPAM needs them, in creation order. */
export async function ipamSubnetsOf(db: Executor, networkId: string): Promise<IpamSubnet[]> {
  const rows = await db
    .selectFrom('subnets')
    .select(['id', 'cidr', 'ipv6_address_mode', 'ipv6_ra_mode', 'standard_attr_id'])
    .where('network_id', '=', networkId)
    .orderBy('standard_attr_id')
    .execute()
  const pools = await poolsOfSubnets(
    db,
    rows.map((r) => r.id),
  )
  return rows.map((row) => ({
    id: row.id,
    cidr: mustParseCidr(row.cidr),
    ipv6AddressMode: row.ipv6_address_mode as Ipv6Mode | null,
    ipv6RaMode: row.ipv6_ra_mode as Ipv6Mode | null,
    pools: (pools.get(row.id) ?? []).map((p) => ({
      first: parseIp(p.first_ip)?.value ?? 0n,
      last: parseIp(p.last_ip)?.value ?? -1n,
    })),
  }))
}
