import { describe, expect, it } from 'vitest'
import { addProvisioningBlock } from '../../../src/db/tables/provisioning-blocks.js'
import { testDatabases } from '../../support/databases.js'
import { aNetwork, aPort, aSubnet, call, useRpcEnv } from './harness.js'

for (const engine of testDatabases()) {
  describe(`${engine}: dhcp_ready_on_ports`, () => {
    const env = useRpcEnv(engine)

    async function stateOf(portId: string) {
      const db = env().handle.db
      const row = await db
        .selectFrom('ports')
        .innerJoin('standardattributes', 'standardattributes.id', 'ports.standard_attr_id')
        .select(['ports.status', 'ports.standard_attr_id', 'standardattributes.revision_number'])
        .where('ports.id', '=', portId)
        .executeTakeFirstOrThrow()
      const blocks = await db
        .selectFrom('provisioningblocks')
        .select('entity')
        .where('standard_attr_id', '=', row.standard_attr_id)
        .orderBy('entity')
        .execute()
      return {
        status: row.status,
        revision: Number(row.revision_number),
        blocks: blocks.map((b) => b.entity),
      }
    }

    async function blockedPort(entities: ('DHCP' | 'L2')[]) {
      const network = await aNetwork(env())
      await aSubnet(env(), network.id)
      const port = await aPort(env(), network.id, { device_owner: 'compute:nova' })
      const { standard_attr_id } = await env()
        .handle.db.selectFrom('ports')
        .select('standard_attr_id')
        .where('id', '=', port.id)
        .executeTakeFirstOrThrow()
      for (const entity of entities) {
        await addProvisioningBlock(env().handle.db, Number(standard_attr_id), entity)
      }
      return port
    }

    it('clears the DHCP block and makes an otherwise unblocked DOWN port ACTIVE', async () => {
      const port = await blockedPort(['DHCP'])
      expect(await stateOf(port.id)).toEqual({ status: 'DOWN', revision: 0, blocks: ['DHCP'] })
      expect(await call(env().dhcp, 'dhcp_ready_on_ports', { port_ids: [port.id] })).toBeNull()
      expect(await stateOf(port.id)).toEqual({ status: 'ACTIVE', revision: 1, blocks: [] })
    })

    it('leaves a port DOWN while another entity still blocks it', async () => {
      const port = await blockedPort(['DHCP', 'L2'])
      await call(env().dhcp, 'dhcp_ready_on_ports', { port_ids: [port.id] })
      expect(await stateOf(port.id)).toEqual({ status: 'DOWN', revision: 0, blocks: ['L2'] })
    })

    it('handles many ports at once and skips ids that are gone', async () => {
      const ready = [await blockedPort(['DHCP']), await blockedPort([])]
      const waiting = await blockedPort(['L2'])
      await call(env().dhcp, 'dhcp_ready_on_ports', {
        port_ids: [...ready.map((p) => p.id), waiting.id, '00000000-0000-0000-0000-000000000000'],
      })
      for (const port of ready) expect((await stateOf(port.id)).status).toBe('ACTIVE')
      expect(await stateOf(waiting.id)).toEqual({ status: 'DOWN', revision: 0, blocks: ['L2'] })
    })

    it('does not touch a port that is already ACTIVE', async () => {
      const port = await blockedPort(['DHCP'])
      await call(env().dhcp, 'dhcp_ready_on_ports', { port_ids: [port.id] })
      await call(env().dhcp, 'dhcp_ready_on_ports', { port_ids: [port.id] })
      expect(await stateOf(port.id)).toEqual({ status: 'ACTIVE', revision: 1, blocks: [] })
    })
  })
}
