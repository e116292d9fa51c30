import { sql, type Expression, type SqlBool } from 'kysely'
import type { Executor } from '../schema.js'

/** A network bound to a DHCP agent (Neutron's `networkdhcpagentbindings`). */
export interface DhcpAgentBindingRow {
  readonly network_id: string
  readonly dhcp_agent_id: string
  /** 1..dhcp_agents_per_network; unique per network. */
  readonly binding_index: number
}

/** What callers need to know of an agent hosting a network. */
export interface HostingAgent {
  readonly id: string
  readonly host: string
  readonly admin_state_up: boolean | number
  /** UTC `YYYY-MM-DD HH:MM:SS`. */
  readonly heartbeat_timestamp: string
  readonly topic: string
}

/**
 * Binds a network to an agent. A second binding of the pair, or a taken binding_index on the
 * network, violates a unique key (someone else bound it first).
 */
export async function bindNetwork(db: Executor, binding: DhcpAgentBindingRow): Promise<void> {
  await db.insertInto('networkdhcpagentbindings').values(binding).execute()
}

/** Removes a network from an agent; returns whether it was bound. */
export async function unbindNetwork(
  db: Executor,
  networkId: string,
  agentId: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('networkdhcpagentbindings')
    .where('network_id', '=', networkId)
    .where('dhcp_agent_id', '=', agentId)
    .executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}

/** The bindings of a network, by binding_index. */
export async function bindingsOfNetwork(
  db: Executor,
  networkId: string,
): Promise<DhcpAgentBindingRow[]> {
  return db
    .selectFrom('networkdhcpagentbindings')
    .select(['network_id', 'dhcp_agent_id', 'binding_index'])
    .where('network_id', '=', networkId)
    .orderBy('binding_index')
    .execute()
}

/** The agents a network is bound to, whatever their state, by binding_index. */
export async function hostingAgentsOfNetwork(
  db: Executor,
  networkId: string,
): Promise<HostingAgent[]> {
  return db
    .selectFrom('networkdhcpagentbindings')
    .innerJoin('agents', 'agents.id', 'networkdhcpagentbindings.dhcp_agent_id')
    .select([
      'agents.id',
      'agents.host',
      'agents.admin_state_up',
      'agents.heartbeat_timestamp',
      'agents.topic',
    ])
    .where('networkdhcpagentbindings.network_id', '=', networkId)
    .orderBy('networkdhcpagentbindings.binding_index')
    .execute()
}

/** Ids of the networks bound to an agent, sorted. */
export async function networkIdsOfAgent(db: Executor, agentId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('networkdhcpagentbindings')
    .select('network_id')
    .where('dhcp_agent_id', '=', agentId)
    .orderBy('network_id')
    .execute()
  return rows.map((r) => r.network_id)
}

/** How many networks each agent hosts (agents without bindings are absent). */
export async function networkCountsByAgent(db: Executor): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('networkdhcpagentbindings')
    .select((eb) => ['dhcp_agent_id', eb.fn.countAll<number>().as('n')])
    .groupBy('dhcp_agent_id')
    .execute()
  return new Map(rows.map((r) => [r.dhcp_agent_id, Number(r.n)]))
}

/** The condition "the network (`networks.id`) is bound to this agent", for network lists. */
export function isBoundToAgent(agentId: string): Expression<SqlBool> {
  return sql<SqlBool>`exists (select 1 from networkdhcpagentbindings where networkdhcpagentbindings.network_id = networks.id and networkdhcpagentbindings.dhcp_agent_id = ${agentId})`
}
