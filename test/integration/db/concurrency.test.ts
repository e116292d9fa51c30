import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApi, type TestApi } from '../../support/api-server.js'
import { testDatabases, useTestDatabase } from '../../support/databases.js'

for (const engine of testDatabases()) {
  describe(`${engine}: concurrent port creates`, () => {
    const db = useTestDatabase(engine)
    let api: TestApi
    beforeAll(async () => {
      api = await startTestApi(db())
    })
    afterAll(async () => {
      await api.close()
    })

    async function smallSubnet(): Promise<{ networkId: string; subnetId: string }> {
      const net = await api.request('POST', '/v2.0/networks', { network: { name: 'race' } })
      const sub = await api.request('POST', '/v2.0/subnets', {
        subnet: { network_id: net.body.network.id, ip_version: 4, cidr: '198.18.7.0/28' },
      })
      expect(sub.status).toBe(201)
      return { networkId: net.body.network.id, subnetId: sub.body.subnet.id }
    }

    it('never gives the same IP twice to 16 clients racing on a 13-address pool', async () => {
      const { networkId } = await smallSubnet()
      const results = await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          api.request('POST', '/v2.0/ports', { port: { network_id: networkId, name: `p${i}` } }),
        ),
      )
      const created = results.filter((r) => r.status === 201)
      const refused = results.filter((r) => r.status !== 201)
      const ips = created.map((r) => r.body.port.fixed_ips[0].ip_address as string)
      expect(new Set(ips).size).toBe(ips.length)
      expect(created).toHaveLength(13)
      expect(refused.map((r) => r.body.NeutronError.type)).toEqual(
        Array(3).fill('IpAddressGenerationFailure'),
      )
      const listed = await api.request('GET', `/v2.0/ports?network_id=${networkId}`)
      const stored = listed.body.ports.flatMap((p: any) =>
        p.fixed_ips.map((f: any) => f.ip_address),
      )
      expect(stored.sort()).toEqual([...ips].sort())
    })

    it('gives one requested address to exactly one of 16 clients asking for it', async () => {
      const { networkId, subnetId } = await smallSubnet()
      const results = await Promise.all(
        Array.from({ length: 16 }, () =>
          api.request('POST', '/v2.0/ports', {
            port: {
              network_id: networkId,
              fixed_ips: [{ subnet_id: subnetId, ip_address: '198.18.7.9' }],
            },
          }),
        ),
      )
      expect(results.filter((r) => r.status === 201)).toHaveLength(1)
      const losers = results.filter((r) => r.status !== 201)
      expect(new Set(losers.map((r) => `${r.status} ${r.body.NeutronError.type}`))).toEqual(
        new Set(['409 IpAddressAlreadyAllocated']),
      )
    })
  })
}
