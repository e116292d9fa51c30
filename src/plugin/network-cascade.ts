import { AUTO_DELETE_PORT_OWNERS } from '../common/resources.js'
import type { Executor } from '../db/schema.js'
import { allocationsByPort } from '../db/tables/ip-allocations.js'
import * as networksTable from '../db/tables/networks.js'
import { deletePort, portsOwnedBy } from '../db/tables/ports.js'
import { deleteStandardAttributes } from '../db/tables/standard-attributes.js'
import type { ResourceEvent } from '../notifier/resource-events.js'

/**
 * Deletes a network with its auto-deleted ports (the DHCP port), its subnets and its addresses,
 * inside the caller's transaction. Returns the delete events in Neutron's order: ports, then
 * subnets, then the network; the caller publishes them once the transaction has committed.
 */
export async function deleteNetworkCascade(
  trx: Executor,
  network: { id: string; standard_attr_id: number },
): Promise<ResourceEvent[]> {
  const networkId = network.id
  const ports = await portsOwnedBy(trx, networkId, AUTO_DELETE_PORT_OWNERS)
  const allocations = await allocationsByPort(
    trx,
    ports.map((p) => p.id),
  )
  const events: ResourceEvent[] = []
  for (const port of ports) {
    await deletePort(trx, port.id)
    await deleteStandardAttributes(trx, Number(port.standard_attr_id))
    const fixedIps = (allocations.get(port.id) ?? []).map((a) => ({
      subnet_id: a.subnet_id,
      ip_address: a.ip_address,
    }))
    events.push({
      type: 'port.delete',
      port: { id: port.id, network_id: networkId, fixed_ips: fixedIps },
    })
  }
  const subnets = await trx
    .selectFrom('subnets')
    .select(['id', 'standard_attr_id'])
    .where('network_id', '=', networkId)
    .execute()
  await trx.deleteFrom('ipallocations').where('network_id', '=', networkId).execute()
  for (const subnet of subnets) {
    await trx.deleteFrom('subnets').where('id', '=', subnet.id).execute()
    await deleteStandardAttributes(trx, Number(subnet.standard_attr_id))
    events.push({ type: 'subnet.delete', subnet: { id: subnet.id, network_id: networkId } })
  }
  await networksTable.deleteNetwork(trx, networkId)
  await deleteStandardAttributes(trx, Number(network.standard_attr_id))
  events.push({ type: 'network.delete', network: { id: networkId } })
  return events
}
