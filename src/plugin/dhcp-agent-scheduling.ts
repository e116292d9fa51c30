import { adminContext } from '../common/context.js'
import { DEVICE_ID_RESERVED_DHCP_PORT, dhcpAgentDeviceId } from '../common/dhcp-port.js'
import {
  InvalidDHCPAgent,
  NetworkHostedByDHCPAgent,
  NetworkNotHostedByDhcpAgent,
} from '../common/errors.js'
import { DEVICE_OWNER_DHCP, type Network } from '../common/resources.js'
import type { DatabaseHandle } from '../db/database.js'
import { toBool } from '../db/schema.js'
import * as agentsTable from '../db/tables/agents.js'
import {
  bindNetwork,
  bindingsOfNetwork,
  networkIdsOfAgent,
  unbindNetwork,
} from '../db/tables/dhcp-agent-bindings.js'
import { listPorts, updatePort } from '../db/tables/ports.js'
import { bumpRevision, utcNow } from '../db/tables/standard-attributes.js'
import type { DhcpAgentNotifier } from '../notifier/dhcp-agent-notifier.js'
import { AGENT_TYPE_DHCP, AgentNotFound, type Agent, type AgentService } from './agents.js'
import type { CorePlugin } from './core-plugin.js'
import { inTransaction } from './transaction.js'

/** The casts agent administration sends (spec §2.3). */
export type AgentAdminNotifier = Pick<
  DhcpAgentNotifier,
  'agentUpdated' | 'networkAddedToAgent' | 'networkRemovedFromAgent'
>

/** What an admin may change on an agent (spec §1.6). */
export interface AgentChangeRequest {
  admin_state_up?: boolean
  description?: string | null
}

/**
 * The agent and dhcp_agent_scheduler extensions' writes (spec §1.6, §1.7): agent updates and
 * deletes, and binding networks to DHCP agents by hand.
 */
export class DhcpAgentScheduling {
  constructor(
    private readonly handle: DatabaseHandle,
    private readonly agents: AgentService,
    private readonly plugin: CorePlugin,
    private readonly notifier: AgentAdminNotifier,
    private readonly settings: { enableServicesOnAgentsWithAdminStateDown: boolean },
  ) {}

  /** Updates an agent; toggling admin_state_up casts agent_updated to its host. */
  async updateAgent(agentId: string, changes: AgentChangeRequest): Promise<Agent> {
    const { before, after } = await this.agents.update(agentId, changes)
    if (before.admin_state_up !== after.admin_state_up) {
      await this.notifier.agentUpdated(after.host, after.admin_state_up)
    }
    return after
  }

  /** Deletes an agent; its bindings go with it and nothing is rescheduled. */
  async deleteAgent(agentId: string): Promise<void> {
    await this.agents.delete(agentId)
  }

  /** The networks bound to an agent (AgentNotFound only when it has none and does not exist). */
  async networksOfAgent(agentId: string): Promise<Network[]> {
    const ids = await networkIdsOfAgent(this.handle.db, agentId)
    if (ids.length === 0) {
      await this.agents.get(agentId)
      return []
    }
    return this.plugin.networks.list(adminContext(), {
      filters: new Map([['id', ids]]),
      sorts: [],
      pageReverse: false,
    })
  }

  /** The agents bound to a network (none for an unknown network). */
  async agentsOfNetwork(networkId: string): Promise<Agent[]> {
    const bindings = await bindingsOfNetwork(this.handle.db, networkId)
    if (bindings.length === 0) return []
    const agents = await this.agents.list({
      filters: new Map([['id', bindings.map((b) => b.dhcp_agent_id)]]),
      sorts: [],
      pageReverse: false,
    })
    const order = new Map(bindings.map((b) => [b.dhcp_agent_id, b.binding_index]))
    return agents.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0))
  }

  /**
   * Binds a network to a DHCP agent by hand (force scheduling: dhcp_agents_per_network and
   * liveness are ignored) on the lowest vacant binding_index, then casts network_create_end.
   */
  async addNetwork(agentId: string, networkId: string): Promise<void> {
    await this.plugin.networks.get(adminContext(), networkId)
    const host = await inTransaction(this.handle, async (trx) => {
      const agent = await agentsTable.findAgent(trx, agentId)
      if (!agent) throw new AgentNotFound(agentId)
      const usable =
        toBool(agent.admin_state_up) || this.settings.enableServicesOnAgentsWithAdminStateDown
      if (agent.agent_type !== AGENT_TYPE_DHCP || !usable) throw new InvalidDHCPAgent(agentId)
      const bindings = await bindingsOfNetwork(trx, networkId)
      if (bindings.some((b) => b.dhcp_agent_id === agentId)) {
        throw new NetworkHostedByDHCPAgent(networkId, agentId)
      }
      const taken = new Set(bindings.map((b) => b.binding_index))
      let index = 1
      while (taken.has(index)) index++
      await bindNetwork(trx, {
        network_id: networkId,
        dhcp_agent_id: agentId,
        binding_index: index,
      })
      return agent.host
    })
    await this.notifier.networkAddedToAgent(networkId, host)
  }

  /**
   * Unbinds a network from an agent, relabels the agent's DHCP port `reserved_dhcp_port` (the
   * next agent keeps its address) and casts network_delete_end; nothing is rescheduled.
   */
  async removeNetwork(agentId: string, networkId: string): Promise<void> {
    const host = await inTransaction(this.handle, async (trx) => {
      const agent = await agentsTable.findAgent(trx, agentId)
      if (!agent) throw new AgentNotFound(agentId)
      if (!(await unbindNetwork(trx, networkId, agentId))) {
        throw new NetworkNotHostedByDhcpAgent(networkId, agentId)
      }
      const ports = await listPorts(trx, {
        filters: [
          { column: 'ports.network_id', values: [networkId] },
          { column: 'ports.device_id', values: [dhcpAgentDeviceId(networkId, agent.host)] },
          { column: 'ports.device_owner', values: [DEVICE_OWNER_DHCP] },
        ],
        sorts: [],
      })
      const now = utcNow()
      for (const port of ports) {
        await updatePort(trx, port.id, { device_id: DEVICE_ID_RESERVED_DHCP_PORT })
        await bumpRevision(trx, Number(port.standard_attr_id), { now })
      }
      return agent.host
    })
    await this.notifier.networkRemovedFromAgent(networkId, host)
  }
}
