import type { Logger } from 'pino'
import { DEVICE_ID_RESERVED_DHCP_PORT, dhcpAgentDeviceId } from '../common/dhcp-port.js'
import { DEVICE_OWNER_DHCP } from '../common/resources.js'
import type { DatabaseHandle } from '../db/database.js'
import { toBool } from '../db/schema.js'
import { listAgents } from '../db/tables/agents.js'
import { networkCountsByAgent, unbindNetwork } from '../db/tables/dhcp-agent-bindings.js'
import { listPorts, updatePort } from '../db/tables/ports.js'
import { bumpRevision, utcNow } from '../db/tables/standard-attributes.js'
import { isAlive, isStartingUp, type CandidateAgent } from './agent-choice.js'
import type { NetworkScheduler } from './network-scheduler.js'

/** What the monitor tells agents: a network now theirs (network_create_end). */
export type NetworkAddedFn = (networkId: string, host: string) => Promise<void>

/** Epoch milliseconds of an agents-table timestamp (UTC `YYYY-MM-DD HH:MM:SS`). */
function epochOf(timestamp: string): number {
  return Date.parse(`${timestamp.replace(' ', 'T')}Z`)
}

/**
 * spec §6.4, Neutron's remove_networks_from_down_agents: periodically moves the networks of DHCP
 * agents whose heartbeat is older than 2 × agent_down_time to live agents. The dead agent's DHCP
 * port becomes `reserved_dhcp_port`, so the agent that takes over keeps its address. Safe with
 * several servers: only the server whose delete removed a binding reschedules that network, and
 * binding indexes keep the number of agents per network at most dhcp_agents_per_network.
 */
export class DeadAgentMonitor {
  private timer: NodeJS.Timeout | undefined
  private lastCheck = 0
  private running: Promise<void> | undefined

  constructor(
    private readonly handle: DatabaseHandle,
    private readonly scheduler: NetworkScheduler,
    private readonly networkAdded: NetworkAddedFn,
    private readonly settings: { agentDownTime: number; log: Logger; random?: () => number },
  ) {}

  /** Seconds between checks: max(agent_down_time / 2, 1). */
  get intervalSeconds(): number {
    return Math.max(Math.floor(this.settings.agentDownTime / 2), 1)
  }

  /** Starts checking after a random delay in [interval, 2 × interval], as Neutron does. */
  start(): void {
    if (this.timer) return
    const random = this.settings.random ?? Math.random
    const first = this.intervalSeconds * (1 + random()) * 1000
    const tick = (): void => {
      this.running = this.check()
        .then(() => undefined)
        .catch((error: unknown) => this.settings.log.error({ err: error }, 'failover check failed'))
        .finally(() => {
          this.running = undefined
        })
      this.timer = setTimeout(tick, this.intervalSeconds * 1000)
      this.timer.unref()
    }
    this.timer = setTimeout(tick, first)
    this.timer.unref()
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer)
    this.timer = undefined
    await this.running
  }

  /** One check: returns the ids of the networks that moved. */
  async check(now = Date.now()): Promise<string[]> {
    const downTime = this.settings.agentDownTime
    const previous = this.lastCheck
    this.lastCheck = now
    // A stalled server (or a jumped clock) has seen no heartbeats lately: wait one more round.
    if (previous !== 0 && now - previous > downTime * 1000) return []
    const agents = await this.agents()
    if (!agents.some((a) => isAlive(a, now, downTime) || isStartingUp(a, now, downTime))) {
      this.settings.log.warn('no DHCP agent is alive; not moving networks (is the server cut off?)')
      return []
    }
    const deadLimit = 2 * downTime * 1000
    const dead = agents.filter(
      (a) => now - a.heartbeatAt > deadLimit && !isStartingUp(a, now, downTime),
    )
    const moved: string[] = []
    for (const agent of dead) {
      const bindings = await this.handle.db
        .selectFrom('networkdhcpagentbindings')
        .select('network_id')
        .where('dhcp_agent_id', '=', agent.id)
        .execute()
      for (const { network_id: networkId } of bindings) {
        if (await this.moveNetwork(networkId, agent)) moved.push(networkId)
      }
    }
    return moved
  }

  private async agents(): Promise<CandidateAgent[]> {
    const db = this.handle.db
    const rows = await listAgents(db, {
      filters: [{ column: 'agents.agent_type', values: ['DHCP agent'] }],
      sorts: [{ column: 'agents.id', direction: 'asc' }],
    })
    const counts = await networkCountsByAgent(db)
    return rows.map((row) => ({
      id: row.id,
      host: row.host,
      admin_state_up: toBool(row.admin_state_up),
      availability_zone: row.availability_zone,
      load: row.load,
      heartbeatAt: epochOf(row.heartbeat_timestamp),
      startedAt: epochOf(row.started_at),
      boundNetworks: counts.get(row.id) ?? 0,
    }))
  }

  /** Unbinds a network from a dead agent, reserves its DHCP port, and schedules it anew. */
  private async moveNetwork(networkId: string, agent: CandidateAgent): Promise<boolean> {
    const db = this.handle.db
    // Only the server whose delete took the binding away moves the network.
    if (!(await unbindNetwork(db, networkId, agent.id))) return false
    await this.reservePort(networkId, agent.host)
    const added = await this.scheduler.schedule(networkId)
    this.settings.log.warn(
      { network_id: networkId, from: agent.host, to: added.map((a) => a.host) },
      'moved a network away from a dead DHCP agent',
    )
    for (const target of added) await this.networkAdded(networkId, target.host)
    return true
  }

  /** The dead agent's DHCP port keeps its addresses for the next agent (device_id reserved). */
  private async reservePort(networkId: string, host: string): Promise<void> {
    const db = this.handle.db
    const ports = await listPorts(db, {
      filters: [
        { column: 'ports.network_id', values: [networkId] },
        { column: 'ports.device_id', values: [dhcpAgentDeviceId(networkId, host)] },
        { column: 'ports.device_owner', values: [DEVICE_OWNER_DHCP] },
      ],
      sorts: [],
    })
    const now = utcNow()
    for (const port of ports) {
      await updatePort(db, port.id, { device_id: DEVICE_ID_RESERVED_DHCP_PORT })
      await bumpRevision(db, Number(port.standard_attr_id), { now })
    }
  }
}
