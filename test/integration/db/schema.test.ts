import { describe, expect, it } from 'vitest'
import { openDatabase } from '../../../src/db/database.js'
import { upgradeDatabase } from '../../../src/db/migrator.js'
import { CorePlugin } from '../../../src/plugin/core-plugin.js'
import { adminContext } from '../../../src/common/context.js'
import { createScratchDatabase, testDatabases } from '../../support/databases.js'

const options = {
  baseMac: 'fa:16:3e:00:00:00',
  globalPhysnetMtu: 1500,
  maxDnsNameservers: 5,
  maxSubnetHostRoutes: 20,
  macGenerationRetries: 16,
}

for (const engine of testDatabases()) {
  describe(`${engine}: schema and persistence`, () => {
    it('migrates an empty database once and then reports it up to date', async () => {
      const scratch = await createScratchDatabase(engine)
      const handle = openDatabase(scratch.url)
      try {
        expect(await upgradeDatabase(handle)).toEqual(['0001_initial'])
        expect(await upgradeDatabase(handle)).toEqual([])
      } finally {
        await handle.close()
        await scratch.drop()
      }
    })

    it('keeps networks, subnets, ports and options across a reconnect', async () => {
      const scratch = await createScratchDatabase(engine)
      const context = adminContext()
      let portId = ''
      try {
        const first = openDatabase(scratch.url)
        await upgradeDatabase(first)
        const plugin = new CorePlugin(first, options)
        const [network] = await plugin.networks.createBulk(context, [
          {
            name: 'kept',
            admin_state_up: true,
            project_id: 'p1',
            availability_zone_hints: [],
            description: 'd',
          },
        ])
        const [subnet] = await plugin.subnets.create(context, [
          {
            network_id: network!.id,
            ip_version: 4,
            cidr: '198.18.9.0/24',
            dns_nameservers: ['198.18.9.53', '198.18.9.54'],
            host_routes: [{ destination: '198.19.0.0/24', nexthop: '198.18.9.1' }],
            enable_dhcp: true,
            ipv6_ra_mode: null,
            ipv6_address_mode: null,
            name: 's',
            description: '',
            project_id: 'p1',
          },
        ])
        const [port] = await plugin.ports.create(context, [
          {
            network_id: network!.id,
            name: 'p',
            admin_state_up: true,
            device_id: 'vm-1',
            device_owner: 'compute:nova',
            project_id: 'p1',
            description: '',
            fixed_ips: [{ subnet_id: subnet!.id, ip_address: '198.18.9.77' }],
            extra_dhcp_opts: [
              { opt_name: 'bootfile-name', opt_value: 'pxelinux.0', ip_version: 4 },
            ],
          },
        ])
        portId = port!.id
        await first.close()

        const second = openDatabase(scratch.url)
        const again = await new CorePlugin(second, options).ports.get(context, portId)
        const subnetAgain = await new CorePlugin(second, options).subnets.get(context, subnet!.id)
        await second.close()
        expect(again.fixed_ips).toEqual([{ subnet_id: subnet!.id, ip_address: '198.18.9.77' }])
        expect(again.extra_dhcp_opts).toEqual([
          { opt_name: 'bootfile-name', opt_value: 'pxelinux.0', ip_version: 4 },
        ])
        expect(again.mac_address).toBe(port!.mac_address)
        expect(subnetAgain.dns_nameservers).toEqual(['198.18.9.53', '198.18.9.54'])
        expect(subnetAgain.allocation_pools).toEqual([{ start: '198.18.9.2', end: '198.18.9.254' }])
      } finally {
        await scratch.drop()
      }
    })

    it('refuses a second allocation of one address at the database level', async () => {
      const scratch = await createScratchDatabase(engine)
      const handle = openDatabase(scratch.url)
      try {
        await upgradeDatabase(handle)
        const plugin = new CorePlugin(handle, options)
        const context = adminContext()
        const [network] = await plugin.networks.createBulk(context, [
          {
            name: 'n',
            admin_state_up: true,
            project_id: 'p1',
            availability_zone_hints: [],
            description: '',
          },
        ])
        const [subnet] = await plugin.subnets.create(context, [
          {
            network_id: network!.id,
            ip_version: 4,
            cidr: '198.18.10.0/24',
            dns_nameservers: [],
            host_routes: [],
            enable_dhcp: true,
            ipv6_ra_mode: null,
            ipv6_address_mode: null,
            name: '',
            description: '',
            project_id: 'p1',
          },
        ])
        const row = {
          port_id: null,
          ip_address: '198.18.10.5',
          subnet_id: subnet!.id,
          network_id: network!.id,
        }
        await handle.db.insertInto('ipallocations').values(row).execute()
        await expect(handle.db.insertInto('ipallocations').values(row).execute()).rejects.toSatisfy(
          (e: unknown) => handle.traits.isUniqueViolation(e),
        )
      } finally {
        await handle.close()
        await scratch.drop()
      }
    })
  })
}
