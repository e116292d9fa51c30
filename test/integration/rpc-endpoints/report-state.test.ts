import { describe, expect, it } from 'vitest'
import { dbTimestamp, parseDbTimestamp } from '../../../src/plugin/agents.js'
import { parseAgentTime } from '../../../src/plugin/rpc/agents-rpc-callback.js'
import { testDatabases, useTestDatabase } from '../../support/databases.js'
import { agentTime, buildEnv, call, dhcpReport, useRpcEnv } from './harness.js'

const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/

for (const engine of testDatabases()) {
  describe(`${engine}: report_state`, () => {
    const env = useRpcEnv(engine)

    async function agentRows(host: string) {
      return env().handle.db.selectFrom('agents').selectAll().where('host', '=', host).execute()
    }

    async function setTimes(host: string, secondsAgo: number) {
      const past = dbTimestamp(new Date(Date.now() - secondsAgo * 1000))
      await env()
        .handle.db.updateTable('agents')
        .set({ heartbeat_timestamp: past, started_at: past })
        .where('host', '=', host)
        .execute()
      return past
    }

    it('registers a new agent with Neutron’s fields and answers "new"', async () => {
      const before = Date.now()
      const status = await call(
        env().reports,
        'report_state',
        dhcpReport('host1', { start_flag: true }),
      )
      expect(status).toBe('new')
      const [row, ...others] = await agentRows('host1')
      expect(others).toEqual([])
      expect(row).toMatchObject({
        agent_type: 'DHCP agent',
        binary: 'neutron-dhcp-agent',
        topic: 'dhcp_agent',
        availability_zone: 'nova',
        load: 3,
        resource_versions: null,
      })
      expect(Boolean(row!.admin_state_up)).toBe(true)
      expect(JSON.parse(row!.configurations)).toEqual({
        dhcp_driver: 'dnsmasq',
        networks: 3,
        subnets: 4,
        ports: 17,
      })
      const view = await env().agents.get(row!.id)
      expect(view.heartbeat_timestamp).toMatch(TIMESTAMP)
      expect(view.created_at).toBe(view.heartbeat_timestamp)
      expect(view.started_at).toBe(view.heartbeat_timestamp)
      expect(view.alive).toBe(true)
      const heartbeat = parseDbTimestamp(view.heartbeat_timestamp).getTime()
      expect(heartbeat).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000)
      expect(heartbeat).toBeLessThanOrEqual(Date.now())
    })

    it('answers "alive" to a later report and moves the heartbeat, not started_at', async () => {
      await call(env().reports, 'report_state', dhcpReport('host1', { start_flag: true }))
      const past = await setTimes('host1', 30)
      const status = await call(
        env().reports,
        'report_state',
        dhcpReport('host1', { configurations: { networks: 5 } }),
      )
      expect(status).toBe('alive')
      const [row] = await agentRows('host1')
      expect(dbTimestamp(parseDbTimestamp(row!.started_at))).toBe(past)
      expect(parseDbTimestamp(row!.heartbeat_timestamp).getTime()).toBeGreaterThan(
        parseDbTimestamp(past).getTime() + 25_000,
      )
      expect(row!.load).toBe(5)
      expect(JSON.parse(row!.configurations)).toEqual({ networks: 5 })
    })

    it('moves started_at when a report carries start_flag', async () => {
      await call(env().reports, 'report_state', dhcpReport('host1', { start_flag: true }))
      const past = await setTimes('host1', 30)
      await call(env().reports, 'report_state', dhcpReport('host1', { start_flag: true }))
      const [row] = await agentRows('host1')
      expect(parseDbTimestamp(row!.started_at).getTime()).toBeGreaterThan(
        parseDbTimestamp(past).getTime() + 25_000,
      )
    })

    it('answers "revived" when the previous heartbeat is older than agent_down_time', async () => {
      await call(env().reports, 'report_state', dhcpReport('host1', { start_flag: true }))
      await setTimes('host1', 76)
      expect(await call(env().reports, 'report_state', dhcpReport('host1'))).toBe('revived')
      expect(await call(env().reports, 'report_state', dhcpReport('host1'))).toBe('alive')
    })

    it('keeps one row when eight first reports of a host race', async () => {
      const statuses = await Promise.all(
        Array.from({ length: 8 }, () =>
          call(env().reports, 'report_state', dhcpReport('racer', { start_flag: true })),
        ),
      )
      expect(await agentRows('racer')).toHaveLength(1)
      expect([...statuses].sort()).toEqual([
        'alive',
        'alive',
        'alive',
        'alive',
        'alive',
        'alive',
        'alive',
        'new',
      ])
    })

    it('keeps agents of different types on one host apart', async () => {
      await call(env().reports, 'report_state', dhcpReport('host1'))
      const status = await call(
        env().reports,
        'report_state',
        dhcpReport('host1', { agent_type: 'Metadata agent', binary: 'neutron-metadata-agent' }),
      )
      expect(status).toBe('new')
      const rows = await agentRows('host1')
      expect(rows.map((r) => r.agent_type).sort()).toEqual(['DHCP agent', 'Metadata agent'])
      expect(rows.find((r) => r.agent_type === 'Metadata agent')?.load).toBe(0)
    })

    it('ignores a report stamped before the server started', async () => {
      const old = agentTime(new Date(Date.now() - 3_600_000))
      expect(await call(env().reports, 'report_state', dhcpReport('host1', {}, old))).toBeNull()
      expect(await agentRows('host1')).toEqual([])
    })

    it('logs an error when a starting agent’s clock is off by more than agent_down_time', async () => {
      const ahead = agentTime(new Date(Date.now() + 600_000))
      await call(env().reports, 'report_state', dhcpReport('skewed', { start_flag: true }, ahead))
      await call(env().reports, 'report_state', dhcpReport('in-sync', { start_flag: true }))
      const errors = env().logs.filter((l) => l.level === 50)
      expect(errors.map((l) => l.host)).toEqual(['skewed'])
      expect(errors[0]?.diff_seconds).toBeGreaterThan(590)
    })

    it('reads the agent’s time to the microsecond and refuses an impossible one', async () => {
      expect(parseAgentTime('2024-01-02T03:04:05.123456')).toBe(
        Date.UTC(2024, 0, 2, 3, 4, 5) * 1000 + 123456,
      )
      const attempt = call(
        env().reports,
        'report_state',
        dhcpReport('host1', {}, '2024-13-01T00:00:00.000000'),
      )
      await expect(attempt).rejects.toMatchObject({ type: 'InvalidInput' })
      expect(await agentRows('host1')).toEqual([])
    })

    it('answers has_alive_neutron_server with true', async () => {
      expect(await call(env().reports, 'has_alive_neutron_server', {})).toBe(true)
    })

    it('lists agents by the computed alive filter', async () => {
      await call(env().reports, 'report_state', dhcpReport('fresh'))
      await call(env().reports, 'report_state', dhcpReport('stale'))
      await setTimes('stale', 80)
      const list = async (alive: string) =>
        (
          await env().agents.list({
            filters: new Map([['alive', [alive]]]),
            sorts: [],
            pageReverse: false,
          })
        ).map((a) => `${a.host} ${a.alive}`)
      expect(await list('true')).toEqual(['fresh true'])
      expect(await list('False')).toEqual(['stale false'])
    })
  })

  describe(`${engine}: report_state with non-default options`, () => {
    const db = useTestDatabase(engine)

    it('registers agents admin-down when enable_new_agents is false', async () => {
      const env = buildEnv(db(), { settings: { enableNewAgents: false } })
      await call(env.reports, 'report_state', dhcpReport('host1'))
      const agents = await env.agents.list({ filters: new Map(), sorts: [], pageReverse: false })
      expect(agents.map((a) => a.admin_state_up)).toEqual([false])
    })

    it('takes the load from the counter dhcp_load_type names', async () => {
      const env = buildEnv(db(), { settings: { dhcpLoadType: 'ports' } })
      await call(env.reports, 'report_state', dhcpReport('host1'))
      const row = await db().db.selectFrom('agents').select('load').executeTakeFirstOrThrow()
      expect(row.load).toBe(17)
    })

    it('answers "revived" only past a shorter agent_down_time', async () => {
      const env = buildEnv(db(), { settings: { agentDownTime: 10 } })
      await call(env.reports, 'report_state', dhcpReport('host1'))
      const past = dbTimestamp(new Date(Date.now() - 12_000))
      await db().db.updateTable('agents').set({ heartbeat_timestamp: past }).execute()
      expect(await call(env.reports, 'report_state', dhcpReport('host1'))).toBe('revived')
    })
  })
}
