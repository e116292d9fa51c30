import { defineOptions, int, str } from '../common/config/index.js'

/** Options of the core plugin (networks, subnets, ports, IPAM). */
export const pluginOptions = defineOptions('DEFAULT', {
  base_mac: str({
    default: 'fa:16:3e:00:00:00',
    help: 'The base MAC address used to generate unique MAC addresses for ports. The first 3 octets are kept; a non-zero 4th octet is kept too.',
  }),
  mac_generation_retries: int({
    default: 16,
    min: 1,
    help: 'How many times to try generating a unique MAC address.',
  }),
  global_physnet_mtu: int({
    default: 1500,
    min: 68,
    help: 'The MTU given to new networks, in bytes.',
  }),
  max_dns_nameservers: int({ default: 5, min: 0, help: 'Most DNS nameservers per subnet.' }),
  max_subnet_host_routes: int({ default: 20, min: 0, help: 'Most host routes per subnet.' }),
})
