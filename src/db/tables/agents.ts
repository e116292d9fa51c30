import type { Executor } from '../schema.js'
import { applyListSpec, type ListSpec } from './list-query.js'

/** An agent row as stored (Neutron's `agents`); timestamps are UTC `YYYY-MM-DD HH:MM:SS`. */
export interface AgentRow {
  id: string
  agent_type: string
  binary: string
  topic: string
  host: string
  availability_zone: string | null
  admin_state_up: boolean | number
  created_at: string
  started_at: string
  heartbeat_timestamp: string
  description: string | null
  /** JSON object text, as the agent reported it. */
  configurations: string
  /** JSON object text, or null when never reported. */
  resource_versions: string | null
  load: number
  resources_synced: boolean | number | null
}

/** Qualified columns a list may filter and sort on, by API attribute name. */
export const agentColumns: Readonly<Record<string, string>> = {
  id: 'agents.id',
  agent_type: 'agents.agent_type',
  binary: 'agents.binary',
  topic: 'agents.topic',
  host: 'agents.host',
  admin_state_up: 'agents.admin_state_up',
  availability_zone: 'agents.availability_zone',
  description: 'agents.description',
  created_at: 'agents.created_at',
}

function selectAgents(db: Executor) {
  return db
    .selectFrom('agents')
    .select([
      'agents.id',
      'agents.agent_type',
      'agents.binary',
      'agents.topic',
      'agents.host',
      'agents.availability_zone',
      'agents.admin_state_up',
      'agents.created_at',
      'agents.started_at',
      'agents.heartbeat_timestamp',
      'agents.description',
      'agents.configurations',
      'agents.resource_versions',
      'agents.load',
      'agents.resources_synced',
    ])
}

/** The columns written when an agent registers. */
export interface NewAgentRow {
  id: string
  agent_type: string
  binary: string
  topic: string
  host: string
  availability_zone: string | null
  admin_state_up: number
  created_at: string
  started_at: string
  heartbeat_timestamp: string
  configurations: string
  resource_versions: string | null
  load: number
}

/** Columns a heartbeat or an admin may change. */
export type AgentChanges = Partial<
  Pick<
    NewAgentRow,
    | 'binary'
    | 'topic'
    | 'availability_zone'
    | 'admin_state_up'
    | 'started_at'
    | 'heartbeat_timestamp'
    | 'configurations'
    | 'resource_versions'
    | 'load'
  > & { description: string | null }
>

/** Inserts an agent; a second agent of the same type on the host violates a unique key. */
export async function insertAgent(db: Executor, row: NewAgentRow): Promise<void> {
  await db.insertInto('agents').values(row).execute()
}

/** One agent by id, or undefined. */
export async function findAgent(db: Executor, agentId: string): Promise<AgentRow | undefined> {
  return selectAgents(db).where('agents.id', '=', agentId).executeTakeFirst()
}

/** The agent of a type on a host (the key agents report under), or undefined. */
export async function findAgentByTypeAndHost(
  db: Executor,
  agentType: string,
  host: string,
): Promise<AgentRow | undefined> {
  return selectAgents(db)
    .where('agents.agent_type', '=', agentType)
    .where('agents.host', '=', host)
    .executeTakeFirst()
}

/** Agents matching a list spec. */
export async function listAgents(db: Executor, spec: ListSpec): Promise<AgentRow[]> {
  return applyListSpec(selectAgents(db), spec).execute()
}

/** Updates an agent's columns. */
export async function updateAgent(
  db: Executor,
  agentId: string,
  changes: AgentChanges,
): Promise<void> {
  if (Object.keys(changes).length === 0) return
  await db.updateTable('agents').set(changes).where('id', '=', agentId).execute()
}

/** Deletes an agent; its network bindings cascade. Returns whether a row was deleted. */
export async function deleteAgent(db: Executor, agentId: string): Promise<boolean> {
  const result = await db.deleteFrom('agents').where('id', '=', agentId).executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}
