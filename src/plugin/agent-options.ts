import { bool, defineOptions, int, str, type OptionValues } from '../common/config/index.js'

/** Server options about agents: liveness, registration, load (Neutron's agents_db options). */
export const agentServerOptions = defineOptions('DEFAULT', {
  agent_down_time: int({
    default: 75,
    min: 1,
    help: 'Seconds without a heartbeat after which an agent counts as down. Should be at least twice the agents’ report_interval.',
  }),
  enable_new_agents: bool({
    default: true,
    help: 'Whether a newly registered agent starts admin-up, and so gets networks scheduled to it.',
  }),
  dhcp_load_type: str({
    default: 'networks',
    choices: [
      ['networks', 'the number of networks the agent serves'],
      ['subnets', 'the number of subnets the agent serves'],
      ['ports', 'the number of ports the agent serves'],
    ],
    help: 'Which counter of a DHCP agent’s heartbeat becomes its load, which the weight scheduler balances.',
  }),
  enable_services_on_agents_with_admin_state_down: bool({
    default: false,
    help: 'Whether agents with admin_state_up False keep serving their networks (they are never scheduled new ones automatically).',
  }),
})

/** What `dhcp_load_type` may name. */
export type DhcpLoadType = 'networks' | 'subnets' | 'ports'

/** The agent options as the plugin takes them. */
export interface AgentSettings {
  /** `agent_down_time` (seconds). */
  readonly agentDownTime: number
  /** `enable_new_agents`: admin_state_up of a newly registered agent. */
  readonly enableNewAgents: boolean
  /** `dhcp_load_type`: the heartbeat counter stored as a DHCP agent's load. */
  readonly dhcpLoadType: DhcpLoadType
  /** `enable_services_on_agents_with_admin_state_down`. */
  readonly enableServicesOnAgentsWithAdminStateDown: boolean
}

function isDhcpLoadType(value: string): value is DhcpLoadType {
  return value === 'networks' || value === 'subnets' || value === 'ports'
}

/** Turns the parsed option table into AgentSettings. */
export function agentSettingsFrom(values: OptionValues<typeof agentServerOptions>): AgentSettings {
  const loadType = values.dhcp_load_type
  return {
    agentDownTime: values.agent_down_time,
    enableNewAgents: values.enable_new_agents,
    dhcpLoadType: isDhcpLoadType(loadType) ? loadType : 'networks',
    enableServicesOnAgentsWithAdminStateDown:
      values.enable_services_on_agents_with_admin_state_down,
  }
}

/** The defaults, for tests and embedded use. */
export const DEFAULT_AGENT_SETTINGS: AgentSettings = {
  agentDownTime: 75,
  enableNewAgents: true,
  dhcpLoadType: 'networks',
  enableServicesOnAgentsWithAdminStateDown: false,
}
