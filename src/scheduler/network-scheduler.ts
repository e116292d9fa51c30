import type { Logger } from 'pino'
import type { DatabaseHandle } from '../db/database.js'
import { fromBool, toBool, type Executor } from '../db/schema.js'
import { listAgents, type AgentRow } from '../db/tables/agents.js'
import {
  bindingsOfNetwork,
  bindNetwork,
  networkCountsByAgent,
} from '../db/tables/dhcp-agent-bindings.js'
import { findNetwork } from '../db/tables/networks.js'
import { chooseAgents, eligibleAgents, isAlive, type CandidateAgent } from './agent-choice.js'
import type { SchedulerKind } from './options.js'

/** The agent type DHCP agents register with. */
const DHCP_AGENT_TYPE = 'DHCP agent'

/** Scheduler settings (spec §6.1). */
export interface SchedulerSettings {
  readonly kind: SchedulerKind
  readonly dhcpAgentsPerNetwork: number
  /** `agent_down_time` (seconds). */
  readonly agentDownTime: number
  readonly defaultAvailabilityZones: readonly string[]
}

/** An agent a network was just bound to, as the notifier needs it. */
export interface ScheduledAgent {
  readonly id: string
  readonly host: string
  readonly admin_state_up: boolean
  readonly alive: boolean
}

/** UTC `YYYY-MM-DD HH:MM:SS` (the agents table's timestamps) as epoch milliseconds. */
function epochOf(timestamp: string): number {
  return Date.parse(`${timestamp.replace(' ', 'T')}Z`)
}

function azHintsOf(text: string | null): string[] {
  if (!text) return []
  const parsed: unknown = JSON.parse(text)
  return Array.isArray(parsed) ? parsed.map(String) : []
}

function candidate(row: AgentRow, boundNetworks: number): CandidateAgent {
  return {
    id: row.id,
    host: row.host,
    admin_state_up: toBool(row.admin_state_up),
    availability_zone: row.availability_zone,
    load: row.load,
    heartbeatAt: epochOf(row.heartbeat_timestamp),
    startedAt: epochOf(row.started_at),
    boundNetworks,
  }
}

/**
 * Binds networks to DHCP agents (spec §6.2, §6.3). Each binding is its own insert; the unique
 * (network_id, binding_index) key makes two servers scheduling the same network at once bind it
 * at most `dhcp_agents_per_network` times — the loser's insert fails and is skipped.
 */
export class NetworkScheduler {
  constructor(
    private readonly handle: DatabaseHandle,
    private readonly settings: SchedulerSettings,
    private readonly log: Logger,
    private readonly random: () => number = Math.random,
  ) {}

  private async dhcpAgents(db: Executor): Promise<CandidateAgent[]> {
    const rows = await listAgents(db, {
      filters: [{ column: 'agents.agent_type', values: [DHCP_AGENT_TYPE] }],
      sorts: [{ column: 'agents.id', direction: 'asc' }],
    })
    const counts = await networkCountsByAgent(db)
    return rows.map((row) => candidate(row, counts.get(row.id) ?? 0))
  }

  /** Binds the network to more agents if it has fewer than it should; returns the new ones. */
  async schedule(networkId: string): Promise<ScheduledAgent[]> {
    const db = this.handle.db
    const network = await findNetwork(db, networkId)
    if (!network) return []
    const bindings = await bindingsOfNetwork(db, networkId)
    const needed = this.settings.dhcpAgentsPerNetwork - bindings.length
    if (needed <= 0) return []
    const agents = await this.dhcpAgents(db)
    const hosting = new Set(bindings.map((b) => b.dhcp_agent_id))
    const hints = azHintsOf(network.availability_zone_hints)
    const now = Date.now()
    const eligible = eligibleAgents(agents, {
      now,
      agentDownTime: this.settings.agentDownTime,
      azHints: hints.length > 0 ? hints : this.settings.defaultAvailabilityZones,
      hosting,
    })
    const hostingPerZone = new Map<string, number>()
    for (const agent of agents.filter((a) => hosting.has(a.id))) {
      const zone = agent.availability_zone ?? ''
      hostingPerZone.set(zone, (hostingPerZone.get(zone) ?? 0) + 1)
    }
    const chosen = chooseAgents(this.settings.kind, eligible, needed, {
      random: this.random,
      hostingPerZone,
    })
    const bound: ScheduledAgent[] = []
    for (const agent of chosen) {
      if (!(await this.bind(networkId, agent.id, agents.length))) continue
      bound.push({
        id: agent.id,
        host: agent.host,
        admin_state_up: agent.admin_state_up,
        alive: isAlive(agent, now, this.settings.agentDownTime),
      })
    }
    if (bound.length > 0) {
      this.log.info({ network_id: networkId, hosts: bound.map((a) => a.host) }, 'network scheduled')
    }
    return bound
  }

  /**
   * spec §6.2 step 7: the lowest vacant binding_index in 1..min(#agents, per-network); a unique
   * violation means another server bound the network meanwhile, so this binding is skipped.
   */
  private async bind(networkId: string, agentId: string, agentCount: number): Promise<boolean> {
    const db = this.handle.db
    const limit = Math.max(1, Math.min(agentCount, this.settings.dhcpAgentsPerNetwork))
    const taken = new Set((await bindingsOfNetwork(db, networkId)).map((b) => b.binding_index))
    let index = 1
    while (taken.has(index)) index++
    if (index > limit) return false
    try {
      await bindNetwork(db, { network_id: networkId, dhcp_agent_id: agentId, binding_index: index })
      await db
        .updateTable('agents')
        .set((eb) => ({ load: eb('load', '+', 1) }))
        .where('id', '=', agentId)
        .execute()
      return true
    } catch (error) {
      if (this.handle.traits.isUniqueViolation(error)) return false
      throw error
    }
  }

  /**
   * spec §6.3: on an agent's full sync, binds to it every network with a DHCP subnet that has
   * fewer than dhcp_agents_per_network agents, is not bound to it, and suits its AZ.
   */
  async autoScheduleNetworks(host: string): Promise<void> {
    const db = this.handle.db
    const agents = await this.dhcpAgents(db)
    const agent = agents.find((a) => a.host === host)
    if (!agent?.admin_state_up || !isAlive(agent, Date.now(), this.settings.agentDownTime)) return
    const rows = await db
      .selectFrom('networks')
      .select(['networks.id', 'networks.availability_zone_hints'])
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('subnets')
            .select('subnets.id')
            .whereRef('subnets.network_id', '=', 'networks.id')
            .where('subnets.enable_dhcp', '=', fromBool(true)),
        ),
      )
      .orderBy('networks.id')
      .execute()
    const counts = await db
      .selectFrom('networkdhcpagentbindings')
      .select((eb) => ['network_id', eb.fn.countAll<number>().as('n')])
      .groupBy('network_id')
      .execute()
    const bound = new Map(counts.map((r) => [r.network_id, Number(r.n)]))
    for (const network of rows) {
      if ((bound.get(network.id) ?? 0) >= this.settings.dhcpAgentsPerNetwork) continue
      const hints = azHintsOf(network.availability_zone_hints)
      const zones = hints.length > 0 ? hints : this.settings.defaultAvailabilityZones
      if (zones.length > 0 && !zones.includes(agent.availability_zone ?? '')) continue
      const mine = await bindingsOfNetwork(db, network.id)
      if (mine.some((b) => b.dhcp_agent_id === agent.id)) continue
      await this.bind(network.id, agent.id, agents.length)
    }
  }
}
