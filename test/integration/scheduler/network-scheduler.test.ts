import pino from 'pino'
import { describe, expect, it } from 'vitest'
import {
  NetworkScheduler,
  type SchedulerSettings,
} from '../../../src/scheduler/network-scheduler.js'
import { testDatabases, useTestDatabase } from '../../support/databases.js'
import { aNetworkWithDhcpSubnet, anAgent } from './fixtures.js'

const settings = (overrides: Partial<SchedulerSettings> = {}): SchedulerSettings => ({
  kind: 'weight',
  dhcpAgentsPerNetwork: 1,
  agentDownTime: 75,
  defaultAvailabilityZones: [],
  ...overrides,
})

for (const engine of testDatabases()) {
  describe(`${engine}: network scheduler`, () => {
    const db = useTestDatabase(engine)
    const log = pino({ level: 'silent' })

    it('binds to the least loaded alive, admin-up agents, up to dhcp_agents_per_network', async () => {
      const busy = await anAgent(db(), 'busy', { load: 10 })
      const light = await anAgent(db(), 'light', { load: 1 })
      await anAgent(db(), 'admin-down', { admin: false })
      await anAgent(db(), 'dead', { heartbeatAgoMs: 3_600_000 })
      const network = await aNetworkWithDhcpSubnet(db())
      const scheduler = new NetworkScheduler(db(), settings({ dhcpAgentsPerNetwork: 2 }), log)
      const bound = await scheduler.schedule(network)
      expect(bound.map((a) => a.host)).toEqual(['light', 'busy'])
      expect(await scheduler.schedule(network)).toEqual([])
      const rows = await db()
        .db.selectFrom('networkdhcpagentbindings')
        .selectAll()
        .orderBy('binding_index')
        .execute()
      expect(rows.map((r) => [r.dhcp_agent_id, r.binding_index])).toEqual([
        [light, 1],
        [busy, 2],
      ])
    })

    it('never binds a network twice beyond dhcp_agents_per_network when two servers race', async () => {
      for (let i = 0; i < 3; i++) await anAgent(db(), `host-${i}`)
      const networks = await Promise.all(
        Array.from({ length: 15 }, () => aNetworkWithDhcpSubnet(db())),
      )
      const one = new NetworkScheduler(
        db(),
        settings({ dhcpAgentsPerNetwork: 2, kind: 'chance' }),
        log,
      )
      const two = new NetworkScheduler(
        db(),
        settings({ dhcpAgentsPerNetwork: 2, kind: 'chance' }),
        log,
      )
      await Promise.all(networks.flatMap((id) => [one.schedule(id), two.schedule(id)]))
      const rows = await db().db.selectFrom('networkdhcpagentbindings').selectAll().execute()
      for (const id of networks) {
        const mine = rows.filter((r) => r.network_id === id)
        expect(mine.length).toBeLessThanOrEqual(2)
        expect(mine.length).toBeGreaterThanOrEqual(1)
        expect(new Set(mine.map((r) => r.binding_index)).size).toBe(mine.length)
      }
    })

    it('honours availability zone hints and auto-schedules unhosted networks to a syncing agent', async () => {
      await anAgent(db(), 'in-az1', { az: 'az1' })
      const az2 = await anAgent(db(), 'in-az2', { az: 'az2' })
      const pinned = await aNetworkWithDhcpSubnet(db(), ['az2'])
      const scheduler = new NetworkScheduler(db(), settings(), log)
      expect((await scheduler.schedule(pinned)).map((a) => a.id)).toEqual([az2])
      const free = await aNetworkWithDhcpSubnet(db())
      await scheduler.autoScheduleNetworks('in-az1')
      const rows = await db().db.selectFrom('networkdhcpagentbindings').selectAll().execute()
      expect(rows.filter((r) => r.network_id === free)).toHaveLength(1)
      expect(rows.filter((r) => r.network_id === pinned)).toHaveLength(1)
    })
  })
}
