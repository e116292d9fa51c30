import type { SchedulerKind } from './options.js'

/** A DHCP agent as the scheduler weighs it. */
export interface CandidateAgent {
  readonly id: string
  readonly host: string
  readonly admin_state_up: boolean
  readonly availability_zone: string | null
  /** The heartbeat's load counter (dhcp_load_type). */
  readonly load: number
  /** Epoch milliseconds of the last heartbeat and of the agent's start. */
  readonly heartbeatAt: number
  readonly startedAt: number
  /** Networks bound to the agent now. */
  readonly boundNetworks: number
}

/** Whether an agent counts as alive: a heartbeat within agent_down_time (seconds). */
export function isAlive(agent: CandidateAgent, now: number, agentDownTime: number): boolean {
  return now - agent.heartbeatAt <= agentDownTime * 1000
}

/** spec §6.2 step 4: an agent that started recently may still be syncing its networks. */
export function isStartingUp(agent: CandidateAgent, now: number, agentDownTime: number): boolean {
  return agent.startedAt + (2 * agentDownTime + 2 * agent.boundNetworks) * 1000 > now
}

/**
 * spec §6.2 steps 3–5: admin-up agents in one of the AZ hints (any when there are none), not yet
 * hosting the network, alive or starting up.
 */
export function eligibleAgents(
  agents: readonly CandidateAgent[],
  options: {
    now: number
    agentDownTime: number
    azHints: readonly string[]
    hosting: ReadonlySet<string>
  },
): CandidateAgent[] {
  const { now, agentDownTime, azHints, hosting } = options
  return agents.filter(
    (agent) =>
      agent.admin_state_up &&
      !hosting.has(agent.id) &&
      (azHints.length === 0 || azHints.includes(agent.availability_zone ?? '')) &&
      (isAlive(agent, now, agentDownTime) || isStartingUp(agent, now, agentDownTime)),
  )
}

function byLoad(agents: readonly CandidateAgent[]): CandidateAgent[] {
  return [...agents].sort((a, b) => a.load - b.load)
}

/** AZAwareWeightScheduler: repeatedly the AZ with the fewest chosen agents, its lightest agent. */
function chooseAcrossZones(
  candidates: readonly CandidateAgent[],
  count: number,
  hostingPerZone: ReadonlyMap<string, number>,
): CandidateAgent[] {
  const zones = new Map<string, CandidateAgent[]>()
  for (const agent of byLoad(candidates)) {
    const zone = agent.availability_zone ?? ''
    zones.set(zone, [...(zones.get(zone) ?? []), agent])
  }
  const assigned = new Map<string, number>()
  for (const zone of zones.keys()) assigned.set(zone, hostingPerZone.get(zone) ?? 0)
  const chosen: CandidateAgent[] = []
  while (chosen.length < count) {
    let best: [string, CandidateAgent[]] | undefined
    for (const entry of zones) {
      const [zone, queue] = entry
      if (queue.length === 0) continue
      const order = (assigned.get(zone) ?? 0) - (assigned.get(best?.[0] ?? '') ?? 0)
      if (!best || order < 0 || (order === 0 && (queue[0]?.load ?? 0) < (best[1][0]?.load ?? 0)))
        best = entry
    }
    if (!best) break
    const agent = best[1].shift()
    if (!agent) break
    chosen.push(agent)
    assigned.set(best[0], (assigned.get(best[0]) ?? 0) + 1)
  }
  return chosen
}

/** spec §6.2 step 6: up to `count` of the candidates, as the configured scheduler picks them. */
export function chooseAgents(
  kind: SchedulerKind,
  candidates: readonly CandidateAgent[],
  count: number,
  options: { random?: () => number; hostingPerZone?: ReadonlyMap<string, number> } = {},
): CandidateAgent[] {
  const n = Math.min(count, candidates.length)
  if (n <= 0) return []
  switch (kind) {
    case 'weight':
      return byLoad(candidates).slice(0, n)
    case 'chance': {
      const random = options.random ?? Math.random
      const pool = [...candidates]
      const chosen: CandidateAgent[] = []
      while (chosen.length < n) chosen.push(...pool.splice(Math.floor(random() * pool.length), 1))
      return chosen
    }
    case 'az':
      return chooseAcrossZones(candidates, n, options.hostingPerZone ?? new Map())
  }
}
