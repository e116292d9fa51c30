import { bool, defineOptions, int, list, str } from '../common/config/index.js'

/** The DHCP agent scheduler's options (spec §6.1), Neutron's names and defaults. */
export const schedulerOptions = defineOptions('DEFAULT', {
  network_scheduler_driver: str({
    default: 'neutron.scheduler.dhcp_agent_scheduler.WeightScheduler',
    choices: [
      ['neutron.scheduler.dhcp_agent_scheduler.WeightScheduler', 'least loaded agents first'],
      ['neutron.scheduler.dhcp_agent_scheduler.ChanceScheduler', 'random agents'],
      [
        'neutron.scheduler.dhcp_agent_scheduler.AZAwareWeightScheduler',
        'spread over availability zones, least loaded first',
      ],
    ],
    help: 'How networks are given to DHCP agents.',
  }),
  network_auto_schedule: bool({
    default: true,
    help: 'Give networks to DHCP agents by themselves (on subnet and port creates, agent syncs, failover).',
  }),
  allow_automatic_dhcp_failover: bool({
    default: true,
    help: 'Move networks away from DHCP agents that stopped reporting.',
  }),
  dhcp_agents_per_network: int({
    default: 1,
    min: 1,
    help: 'How many DHCP agents serve each network (active-active).',
  }),
  default_availability_zones: list({
    default: [],
    help: 'Availability zones for networks without availability_zone_hints; empty means any.',
  }),
})

/** Which selection `network_scheduler_driver` names. */
export type SchedulerKind = 'weight' | 'chance' | 'az'

/** The kind of scheduler a `network_scheduler_driver` value names. */
export function schedulerKind(driver: string): SchedulerKind {
  if (driver.endsWith('ChanceScheduler')) return 'chance'
  if (driver.endsWith('AZAwareWeightScheduler')) return 'az'
  return 'weight'
}
