import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { RequestContext } from '../../common/context.js'
import { HttpBadRequest, InvalidAttribute } from '../../common/errors.js'
import { authorize, isAuthorized } from '../../common/policy/authorize.js'
import { AgentNotFound, type Agent, type AgentService } from '../../plugin/agents.js'
import type { AgentChangeRequest, DhcpAgentScheduling } from '../../plugin/dhcp-agent-scheduling.js'
import { parseListQuery, selectFields, type RawQuery } from '../list-params.js'
import { prepareUpdate, type AttributeMap } from '../schemas/attributes.js'
import { readOnlyAttribute } from '../schemas/common-attributes.js'
import { aBoolean, aString, aUuid, orNull, ValidationFailure } from '../schemas/validators.js'

/** What the agent and dhcp_agent_scheduler routes need. */
export interface AgentRouteDeps {
  readonly agents: AgentService
  readonly agentAdmin: DhcpAgentScheduling
}

/** `/v2.0/agents` attributes: only admin_state_up and description are writable. */
const agentAttributes: AttributeMap = {
  id: readOnlyAttribute,
  agent_type: readOnlyAttribute,
  binary: readOnlyAttribute,
  topic: readOnlyAttribute,
  host: readOnlyAttribute,
  admin_state_up: { allowPost: false, allowPut: true, check: aBoolean },
  created_at: readOnlyAttribute,
  started_at: readOnlyAttribute,
  heartbeat_timestamp: readOnlyAttribute,
  alive: readOnlyAttribute,
  configurations: readOnlyAttribute,
  description: { allowPost: false, allowPut: true, check: orNull(aString(255)) },
  availability_zone: readOnlyAttribute,
  resource_versions: readOnlyAttribute,
  resources_synced: readOnlyAttribute,
}

function agentTarget(agent: Agent): Record<string, unknown> {
  return { ...agent }
}

/**
 * The agent extension (spec §1.6) and the dhcp_agent_scheduler extension (spec §1.7). As in
 * Neutron's API layer, a caller who may not see agents gets an empty list, and 404 for one agent
 * (also on update and delete); the scheduler calls answer 403.
 */
export function registerAgentRoutes(
  app: FastifyInstance,
  deps: AgentRouteDeps,
  contextOf: (request: FastifyRequest) => RequestContext,
): void {
  const { agents, agentAdmin } = deps

  /** The agent, when the caller may see it; AgentNotFound otherwise. */
  async function visibleAgent(context: RequestContext, id: string): Promise<Agent> {
    const agent = await agents.get(id)
    if (!isAuthorized(context, 'get_agent', agentTarget(agent))) throw new AgentNotFound(id)
    return agent
  }

  app.get('/v2.0/agents', async (request) => {
    const query = parseListQuery(request.query as RawQuery)
    const context = contextOf(request)
    const items = (await agents.list(query)).filter((agent) =>
      isAuthorized(context, 'get_agent', agentTarget(agent)),
    )
    return { agents: selectFields(items, query.fields) }
  })

  app.post('/v2.0/agents', async () => {
    throw new HttpBadRequest('Creating an agent is not supported; agents register themselves.')
  })

  app.get('/v2.0/agents/:id', async (request) => {
    const { id } = request.params as { id: string }
    const fields = parseListQuery(request.query as RawQuery).fields
    const agent = await visibleAgent(contextOf(request), id)
    return { agent: selectFields([agent], fields)[0] }
  })

  app.put('/v2.0/agents/:id', async (request) => {
    const { id } = request.params as { id: string }
    const body = request.body as Record<string, unknown> | null
    if (typeof body !== 'object' || body === null || !('agent' in body)) {
      throw new HttpBadRequest("Unable to find 'agent' in request body")
    }
    const changes = prepareUpdate(agentAttributes, body['agent']) as AgentChangeRequest
    const context = contextOf(request)
    const agent = await visibleAgent(context, id)
    authorize(context, 'update_agent', agentTarget(agent), changes as Record<string, unknown>)
    return { agent: await agentAdmin.updateAgent(id, changes) }
  })

  app.delete('/v2.0/agents/:id', async (request, reply) => {
    const { id } = request.params as { id: string }
    const context = contextOf(request)
    const agent = await visibleAgent(context, id)
    authorize(context, 'delete_agent', agentTarget(agent))
    await agentAdmin.deleteAgent(id)
    return reply.code(204).send()
  })

  app.get('/v2.0/agents/:id/dhcp-networks', async (request) => {
    const { id } = request.params as { id: string }
    authorize(contextOf(request), 'get_dhcp-networks', {})
    return { networks: await agentAdmin.networksOfAgent(id) }
  })

  app.post('/v2.0/agents/:id/dhcp-networks', async (request, reply) => {
    const { id } = request.params as { id: string }
    authorize(contextOf(request), 'create_dhcp-network', {})
    const body = request.body as Record<string, unknown> | null
    if (typeof body !== 'object' || body === null || !('network_id' in body)) {
      throw new HttpBadRequest("Unable to find 'network_id' in request body")
    }
    let networkId: string
    try {
      networkId = aUuid(body['network_id']) as string
    } catch (error) {
      if (error instanceof ValidationFailure)
        throw new InvalidAttribute('network_id', error.message)
      throw error
    }
    await agentAdmin.addNetwork(id, networkId)
    return reply.code(201).header('content-type', 'application/json').send('null')
  })

  app.delete('/v2.0/agents/:id/dhcp-networks/:networkId', async (request, reply) => {
    const { id, networkId } = request.params as { id: string; networkId: string }
    authorize(contextOf(request), 'delete_dhcp-network', {})
    await agentAdmin.removeNetwork(id, networkId)
    return reply.code(204).send()
  })

  app.get('/v2.0/networks/:id/dhcp-agents', async (request) => {
    const { id } = request.params as { id: string }
    authorize(contextOf(request), 'get_dhcp-agents', {})
    return { agents: await agentAdmin.agentsOfNetwork(id) }
  })
}
