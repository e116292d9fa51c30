import { pino } from 'pino'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ProcessMonitor } from '../../../src/drivers/process/process-monitor.js'
import type { WatchedProcess } from '../../../src/drivers/process/process-monitor.js'

const log = pino({ level: 'silent' })

/** A process that is alive while `alive` is set; respawn sets it again and counts. */
function aProcess(alive = true): WatchedProcess & { alive: boolean; respawns: number } {
  const process = {
    alive,
    respawns: 0,
    isActive: () => Promise.resolve(process.alive),
    respawn: () => {
      process.respawns++
      process.alive = true
      return Promise.resolve()
    },
  }
  return process
}

describe('ProcessMonitor', () => {
  const monitors: ProcessMonitor[] = []
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(async () => {
    for (const monitor of monitors.splice(0)) await monitor.stop()
    vi.useRealTimers()
  })
  function aMonitor(options: Partial<ConstructorParameters<typeof ProcessMonitor>[0]> = {}) {
    const monitor = new ProcessMonitor({
      intervalSeconds: 0.05,
      action: 'respawn',
      log,
      ...options,
    })
    monitors.push(monitor)
    return monitor
  }

  it('respawns a registered process that died, and leaves live ones alone', async () => {
    const monitor = aMonitor()
    const dead = aProcess()
    const alive = aProcess()
    monitor.register('net-1', 'dnsmasq', dead)
    monitor.register('net-2', 'dnsmasq', alive)
    monitor.start()
    dead.alive = false
    await vi.advanceTimersByTimeAsync(49)
    expect(dead.respawns).toBe(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(dead.respawns).toBe(1)
    expect(dead.alive).toBe(true)
    await vi.advanceTimersByTimeAsync(500)
    expect(dead.respawns).toBe(1)
    expect(alive.respawns).toBe(0)
  })

  it('does not respawn an unregistered process', async () => {
    const monitor = aMonitor()
    const process = aProcess(false)
    monitor.register('net-1', 'dnsmasq', process)
    monitor.unregister('net-1', 'dnsmasq')
    monitor.start()
    await monitor.checkNow()
    expect(process.respawns).toBe(0)
    expect(monitor.isRegistered('net-1', 'dnsmasq')).toBe(false)
  })

  it('asks the agent to exit once when the action is exit', async () => {
    const reasons: string[] = []
    const monitor = aMonitor({ action: 'exit', onExit: (reason) => reasons.push(reason) })
    const process = aProcess(false)
    monitor.register('net-1', 'dnsmasq', process)
    await monitor.checkNow()
    await monitor.checkNow()
    expect(reasons).toEqual(['dnsmasq:net-1 died'])
    expect(process.respawns).toBe(0)
  })

  it('stops checking after stop()', async () => {
    const monitor = aMonitor()
    const process = aProcess()
    monitor.register('net-1', 'dnsmasq', process)
    monitor.start()
    await monitor.stop()
    await monitor.stop()
    process.alive = false
    await vi.advanceTimersByTimeAsync(1000)
    expect(process.respawns).toBe(0)
  })

  it('never checks when the interval is 0', async () => {
    const monitor = aMonitor({ intervalSeconds: 0 })
    const process = aProcess(false)
    monitor.register('net-1', 'dnsmasq', process)
    monitor.start()
    await vi.advanceTimersByTimeAsync(60_000)
    expect(process.respawns).toBe(0)
  })
})
