import { randomUUID } from 'node:crypto'
import { sql, type Expression, type SqlBool } from 'kysely'
import type { Logger } from 'pino'
import { InvalidAttribute, NotFound } from '../common/errors.js'
import type { DatabaseHandle } from '../db/database.js'
import { fromBool, toBool } from '../db/schema.js'
import * as agentsTable from '../db/tables/agents.js'
import { hostingAgentsOfNetwork } from '../db/tables/dhcp-agent-bindings.js'
import type { HostingAgent } from '../notifier/dhcp-agent-notifier.js'
import type { AgentSettings } from './agent-options.js'
import { listPage, type ListQuery, type ListableResource } from './list-spec.js'
import { inTransaction } from './transaction.js'

/** Neutron's agent_type of DHCP agents. */
export const AGENT_TYPE_DHCP = 'DHCP agent'

/** No agent has this id (Neutron's `AgentNotFound`). Belongs in common/errors.ts. */
export class AgentNotFound extends NotFound {
  constructor(readonly agentId: string) {
    super('AgentNotFound', `Agent ${agentId} could not be found.`)
  }
}

/** An agent as the `/v2.0/agents` API shows it; timestamps are UTC `YYYY-MM-DD HH:MM:SS`. */
export interface Agent {
  id: string
  agent_type: string
  binary: string
  topic: string
  host: string
  admin_state_up: boolean
  created_at: string
  started_at: string
  heartbeat_timestamp: string
  alive: boolean
  configurations: Record<string, unknown>
  description: string | null
  availability_zone: string | null
  resource_versions: Record<string, unknown>
  resources_synced: boolean | null
}

/** The `agent_state` an agent sends with `report_state` (spec §2.4). */
export interface AgentReport {
  readonly agent_type: string
  readonly binary: string
  readonly host: string
  readonly topic: string
  readonly availability_zone?: string
  readonly configurations?: Readonly<Record<string, unknown>>
  readonly resource_versions?: Readonly<Record<string, unknown>>
  /** Set on an agent's first report after it started. */
  readonly start_flag?: boolean
}

/** What the server answers a report: first sight, back from the dead, or still alive. */
export type ReportStatus = 'new' | 'revived' | 'alive'

/** A time as the agents table stores it: UTC `YYYY-MM-DD HH:MM:SS`. */
export function dbTimestamp(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ')
}

/** Reads a stored UTC timestamp (any engine's text form) as a Date. */
export function parseDbTimestamp(text: string): Date {
  return new Date(`${String(text).slice(0, 19).replace(' ', 'T')}Z`)
}

/** Whether a heartbeat is recent enough: now − heartbeat ≤ agentDownTime (seconds). */
export function isAgentAlive(heartbeat: string, now: Date, agentDownTime: number): boolean {
  return now.getTime() - parseDbTimestamp(heartbeat).getTime() <= agentDownTime * 1000
}

const listable: ListableResource = {
  columns: agentsTable.agentColumns,
  kinds: { admin_state_up: 'bool' },
  special: ['alive'],
  idColumn: 'agents.id',
}

const TRUE_WORDS = ['true', '1', 't', 'yes', 'y', 'on']
const FALSE_WORDS = ['false', '0', 'f', 'no', 'n', 'off']

function parseObject(text: string | null): Record<string, unknown> {
  if (text === null || text === '') return {}
  const value: unknown = JSON.parse(text)
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {}
}

/** Agents: registration by heartbeat, and the reads the agents API and scheduler share. */
export class AgentService {
  private readonly log: Logger | undefined
  private readonly clock: () => Date

  constructor(
    private readonly handle: DatabaseHandle,
    private readonly settings: AgentSettings,
    options: { log?: Logger; clock?: () => Date } = {},
  ) {
    this.log = options.log
    this.clock = options.clock ?? (() => new Date())
  }

  /** Whether an agent's heartbeat is within agent_down_time of `now`. */
  isAlive(agent: { heartbeat_timestamp: string }, now: Date = this.clock()): boolean {
    return isAgentAlive(agent.heartbeat_timestamp, now, this.settings.agentDownTime)
  }

  /** The API view of an agent row. */
  view(row: agentsTable.AgentRow, now: Date = this.clock()): Agent {
    return {
      id: row.id,
      agent_type: row.agent_type,
      binary: row.binary,
      topic: row.topic,
      host: row.host,
      admin_state_up: toBool(row.admin_state_up),
      created_at: dbTimestamp(parseDbTimestamp(row.created_at)),
      started_at: dbTimestamp(parseDbTimestamp(row.started_at)),
      heartbeat_timestamp: dbTimestamp(parseDbTimestamp(row.heartbeat_timestamp)),
      alive: this.isAlive(row, now),
      configurations: parseObject(row.configurations),
      description: row.description,
      availability_zone: row.availability_zone,
      resource_versions: parseObject(row.resource_versions),
      resources_synced: row.resources_synced === null ? null : toBool(row.resources_synced),
    }
  }

  /** The DHCP agents bound to a network, as the notifier needs them. */
  async hostingAgents(networkId: string): Promise<HostingAgent[]> {
    const now = this.clock()
    const rows = await hostingAgentsOfNetwork(this.handle.db, networkId)
    return rows.map((row) => ({
      host: row.host,
      admin_state_up: toBool(row.admin_state_up),
      alive: this.isAlive(row, now),
    }))
  }

  /** One agent, or AgentNotFound. */
  async get(agentId: string): Promise<Agent> {
    const row = await agentsTable.findAgent(this.handle.db, agentId)
    if (!row) throw new AgentNotFound(agentId)
    return this.view(row)
  }

  /** Sets an agent's admin_state_up and/or description; returns the agent as it was before. */
  async update(
    agentId: string,
    changes: { admin_state_up?: boolean; description?: string | null },
  ): Promise<{ before: Agent; after: Agent }> {
    const row = await agentsTable.findAgent(this.handle.db, agentId)
    if (!row) throw new AgentNotFound(agentId)
    await agentsTable.updateAgent(this.handle.db, agentId, {
      ...(changes.admin_state_up === undefined
        ? {}
        : { admin_state_up: fromBool(changes.admin_state_up) }),
      ...(changes.description === undefined ? {} : { description: changes.description }),
    })
    return { before: this.view(row), after: await this.get(agentId) }
  }

  /** Deletes an agent (its network bindings cascade), or AgentNotFound. */
  async delete(agentId: string): Promise<void> {
    if (!(await agentsTable.deleteAgent(this.handle.db, agentId))) {
      throw new AgentNotFound(agentId)
    }
  }

  /** Agents filtered (including the computed `alive`), sorted and paged like other lists. */
  async list(query: ListQuery): Promise<Agent[]> {
    const db = this.handle.db
    const now = this.clock()
    const alive = this.aliveCondition(query.filters.get('alive'), now)
    return listPage({
      query,
      resource: listable,
      conditions: alive ? [alive] : [],
      markerRow: async (id) => {
        const row = await agentsTable.findAgent(db, id)
        if (!row) throw new AgentNotFound(id)
        return row
      },
      fetch: (spec) => agentsTable.listAgents(db, spec),
      views: async (rows) => rows.map((row) => this.view(row, now)),
    })
  }

  /** The `alive=true|false` filter as a condition on heartbeat_timestamp. */
  private aliveCondition(
    values: readonly string[] | undefined,
    now: Date,
  ): Expression<SqlBool> | undefined {
    if (!values) return undefined
    const wanted = new Set(
      values.map((value) => {
        const word = value.toLowerCase()
        if (TRUE_WORDS.includes(word)) return true
        if (FALSE_WORDS.includes(word)) return false
        throw new InvalidAttribute('alive', `'${value}' cannot be converted to boolean`)
      }),
    )
    if (wanted.size !== 1) return undefined
    // Alive ⇔ heartbeat ≥ now − agent_down_time, at the stored whole-second precision.
    const cutoffMs = now.getTime() - this.settings.agentDownTime * 1000
    const cutoff = dbTimestamp(new Date(Math.ceil(cutoffMs / 1000) * 1000))
    return wanted.has(true)
      ? sql<SqlBool>`agents.heartbeat_timestamp >= ${cutoff}`
      : sql<SqlBool>`agents.heartbeat_timestamp < ${cutoff}`
  }

  /** The heartbeat counter that becomes a DHCP agent's load (`dhcp_load_type`); 0 otherwise. */
  private loadOf(report: AgentReport): number {
    if (report.agent_type !== AGENT_TYPE_DHCP) return 0
    const value = Number(report.configurations?.[this.settings.dhcpLoadType] ?? 0)
    return Number.isFinite(value) ? Math.trunc(value) : 0
  }

  /**
   * Registers an agent or records its heartbeat (Neutron's create_or_update_agent), keyed by
   * (agent_type, host). Two first reports racing: the loser's insert violates the unique key,
   * its transaction is retried and finds the winner's row.
   */
  async createOrUpdate(report: AgentReport): Promise<ReportStatus> {
    const reported = {
      binary: report.binary,
      topic: report.topic,
      configurations: JSON.stringify(report.configurations ?? {}),
      load: this.loadOf(report),
      ...(report.availability_zone === undefined
        ? {}
        : { availability_zone: report.availability_zone }),
      ...(report.resource_versions && Object.keys(report.resource_versions).length > 0
        ? { resource_versions: JSON.stringify(report.resource_versions) }
        : {}),
    }
    const outcome = await inTransaction(this.handle, async (trx) => {
      const now = this.clock()
      const stamp = dbTimestamp(now)
      const existing = await agentsTable.findAgentByTypeAndHost(trx, report.agent_type, report.host)
      if (!existing) {
        await agentsTable.insertAgent(trx, {
          availability_zone: null,
          resource_versions: null,
          ...reported,
          id: randomUUID(),
          agent_type: report.agent_type,
          host: report.host,
          admin_state_up: fromBool(this.settings.enableNewAgents),
          created_at: stamp,
          started_at: stamp,
          heartbeat_timestamp: stamp,
        })
        return { status: 'new' as const, now, previous: undefined }
      }
      const status: ReportStatus = this.isAlive(existing, now) ? 'alive' : 'revived'
      await agentsTable.updateAgent(trx, existing.id, {
        ...reported,
        heartbeat_timestamp: stamp,
        ...(report.start_flag === true ? { started_at: stamp } : {}),
      })
      return { status, now, previous: existing.heartbeat_timestamp }
    })
    this.logReport(report, outcome)
    return outcome.status
  }

  private logReport(
    report: AgentReport,
    outcome: { status: ReportStatus; now: Date; previous: string | undefined },
  ): void {
    const fields = { agent_type: report.agent_type, host: report.host, status: outcome.status }
    if (outcome.status !== 'alive') this.log?.info(fields, 'agent registered its state')
    if (report.configurations?.['log_agent_heartbeats'] !== true) return
    const delta =
      outcome.previous === undefined
        ? undefined
        : (outcome.now.getTime() - parseDbTimestamp(outcome.previous).getTime()) / 1000
    this.log?.info({ ...fields, seconds_since_previous: delta }, 'heartbeat received')
  }
}
