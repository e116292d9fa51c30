import { describe, expect, it } from 'vitest'
import {
  chooseAgents,
  eligibleAgents,
  type CandidateAgent,
} from '../../../src/scheduler/agent-choice.js'

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0)

function anAgent(overrides: Partial<CandidateAgent> & { id: string }): CandidateAgent {
  return {
    host: overrides.id,
    admin_state_up: true,
    availability_zone: 'nova',
    load: 0,
    heartbeatAt: NOW - 10_000,
    startedAt: NOW - 3_600_000,
    boundNetworks: 0,
    ...overrides,
  }
}

describe('eligible agents (spec §6.2)', () => {
  it('keeps admin-up agents that are alive or starting up, in the AZ hints, not hosting yet', () => {
    const agents = [
      anAgent({ id: 'alive' }),
      anAgent({ id: 'down-admin', admin_state_up: false }),
      anAgent({ id: 'dead', heartbeatAt: NOW - 76_000 }),
      anAgent({ id: 'starting', heartbeatAt: NOW - 200_000, startedAt: NOW - 100_000 }),
      anAgent({ id: 'hosting' }),
      anAgent({ id: 'other-az', availability_zone: 'az2' }),
    ]
    const ids = (hints: string[]) =>
      eligibleAgents(agents, {
        now: NOW,
        agentDownTime: 75,
        azHints: hints,
        hosting: new Set(['hosting']),
      }).map((a) => a.id)
    expect(ids([])).toEqual(['alive', 'starting', 'other-az'])
    expect(ids(['az2'])).toEqual(['other-az'])
  })

  it('gives an agent that started long ago with many networks no starting-up grace', () => {
    const agent = anAgent({
      id: 'a',
      heartbeatAt: NOW - 200_000,
      startedAt: NOW - 151_000,
      boundNetworks: 0,
    })
    expect(
      eligibleAgents([agent], { now: NOW, agentDownTime: 75, azHints: [], hosting: new Set() }),
    ).toEqual([])
    const busy = { ...agent, boundNetworks: 10 }
    expect(
      eligibleAgents([busy], { now: NOW, agentDownTime: 75, azHints: [], hosting: new Set() }),
    ).toHaveLength(1)
  })
})

describe('agent choice', () => {
  const agents = [
    anAgent({ id: 'a', load: 5, availability_zone: 'az1' }),
    anAgent({ id: 'b', load: 1, availability_zone: 'az1' }),
    anAgent({ id: 'c', load: 3, availability_zone: 'az2' }),
    anAgent({ id: 'd', load: 9, availability_zone: 'az3' }),
  ]

  it('weight: the least loaded', () => {
    expect(chooseAgents('weight', agents, 2).map((a) => a.id)).toEqual(['b', 'c'])
  })

  it('chance: distinct random agents', () => {
    const sequence = [0.99, 0, 0.5]
    const chosen = chooseAgents('chance', agents, 3, { random: () => sequence.shift() ?? 0 })
    expect(chosen.map((a) => a.id)).toEqual(['d', 'a', 'c'])
  })

  it('AZ-aware: spreads over zones, lightest first, counting agents already hosting', () => {
    expect(chooseAgents('az', agents, 3).map((a) => a.id)).toEqual(['b', 'c', 'd'])
    const hosting = new Map([['az1', 1]])
    expect(chooseAgents('az', agents, 2, { hostingPerZone: hosting }).map((a) => a.id)).toEqual([
      'c',
      'd',
    ])
  })

  it('never returns more than there are', () => {
    expect(chooseAgents('weight', agents.slice(0, 1), 3)).toHaveLength(1)
    expect(chooseAgents('chance', [], 2)).toEqual([])
  })
})
