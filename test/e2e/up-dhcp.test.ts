import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { startLeaseholdUp, type LeaseholdUp } from '../support/leasehold-process.js'
import { useTestHost } from '../support/netns.js'
import { waitFor } from '../support/rpc.js'

async function post(
  up: LeaseholdUp,
  collection: string,
  body: Record<string, unknown>,
): Promise<any> {
  const singular = collection.slice(0, -1)
  const response = await fetch(`${up.url}/v2.0/${collection}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ [singular]: body }),
  })
  expect(response.status).toBe(201)
  return ((await response.json()) as Record<string, unknown>)[singular]
}

/** The pid in a pid file, or '' while dnsmasq has not written it yet. */
function pidOf(pidFile: string): string {
  return existsSync(pidFile) ? readFileSync(pidFile, 'utf8').trim() : ''
}

/** `leasehold up` serving DHCP for real, and surviving a kill -9 without a DHCP outage. */
describe('leasehold up hands out leases', () => {
  const host = useTestHost()

  it('serves a client its port’s address, and keeps serving through a kill -9 and restart', async () => {
    const first = await startLeaseholdUp()
    let second: LeaseholdUp | undefined
    try {
      const network = await post(first, 'networks', { name: 'up-dhcp' })
      host().trackNetwork(network.id)
      await post(first, 'subnets', { network_id: network.id, cidr: '198.18.8.0/24', ip_version: 4 })
      const port = await post(first, 'ports', { network_id: network.id })
      const pidFile = join(first.stateDir, 'dhcp', network.id, 'pid')
      const hostFile = join(first.stateDir, 'dhcp', network.id, 'host')
      await waitFor(
        () =>
          pidOf(pidFile) !== '' &&
          existsSync(hostFile) &&
          readFileSync(hostFile, 'utf8').includes(port.mac_address),
        { what: 'dnsmasq serving the port', timeoutMs: 20_000 },
      )
      const dnsmasqPid = pidOf(pidFile)
      const client = await host().plugClient(`brq${network.id.slice(0, 11)}`, port.mac_address)
      const results: (string | undefined)[] = []
      let renewing = true
      const loop = (async () => {
        while (renewing) results.push((await host().runUdhcpc(client, { timeoutMs: 4000 }))?.ip)
      })()
      try {
        await waitFor(() => results.length >= 2, {
          what: 'leases before the kill',
          timeoutMs: 15_000,
        })
        await first.kill()
        const killedAt = results.length
        await waitFor(() => results.length >= killedAt + 2, {
          what: 'leases while down',
          timeoutMs: 15_000,
        })
        second = await startLeaseholdUp(['--state-path', first.stateDir])
        const restartedAt = results.length
        await waitFor(() => results.length >= restartedAt + 2, {
          what: 'leases after the restart',
          timeoutMs: 15_000,
        })
      } finally {
        renewing = false
        await loop
      }
      expect(results.length).toBeGreaterThanOrEqual(6)
      expect(results.every((ip) => ip === port.fixed_ips[0].ip_address)).toBe(true)
      // The restarted agent adopted the running dnsmasq instead of starting another.
      expect(pidOf(pidFile)).toBe(dnsmasqPid)
    } finally {
      if (second) await second.stop()
      else await first.stop()
    }
  }, 90_000)
})
