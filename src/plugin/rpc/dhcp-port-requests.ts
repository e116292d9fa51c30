import { InvalidInput } from '../../common/errors.js'
import { parseMac } from '../../common/net/mac.js'
import { DEVICE_OWNER_DHCP } from '../../common/resources.js'
import type { ExtraDhcpOptRequest } from '../extra-dhcp-opts.js'
import type { FixedIpRequest } from '../ipam/port-addresses.js'
import type { PortCreate, PortUpdate } from '../ports.js'
import {
  isObject,
  optionalBoolArg,
  optionalStringArg,
  stringArg,
  type JsonObject,
} from './rpc-args.js'

function fixedIpsFrom(value: unknown): FixedIpRequest[] {
  if (!Array.isArray(value)) throw new InvalidInput('fixed_ips must be a list')
  return value.map((item: unknown) => {
    if (!isObject(item)) throw new InvalidInput('each fixed IP must be an object')
    const subnetId = optionalStringArg(item, 'subnet_id')
    const ipAddress = optionalStringArg(item, 'ip_address')
    return {
      ...(subnetId === undefined ? {} : { subnet_id: subnetId }),
      ...(ipAddress === undefined ? {} : { ip_address: ipAddress }),
    }
  })
}

function extraDhcpOptsFrom(value: unknown): ExtraDhcpOptRequest[] {
  if (!Array.isArray(value)) throw new InvalidInput('extra_dhcp_opts must be a list')
  return value.map((item: unknown) => {
    if (!isObject(item)) throw new InvalidInput('each extra DHCP option must be an object')
    const version = item['ip_version'] ?? 4
    if (version !== 4 && version !== 6) throw new InvalidInput('ip_version must be 4 or 6')
    return {
      opt_name: stringArg(item, 'opt_name'),
      opt_value: optionalStringArg(item, 'opt_value') ?? null,
      ip_version: version,
    }
  })
}

function macFrom(body: JsonObject): string | undefined {
  const text = optionalStringArg(body, 'mac_address')
  if (text === undefined) return undefined
  const mac = parseMac(text)
  if (mac === undefined) throw new InvalidInput(`'${text}' is not a valid MAC address`)
  return mac
}

/** The attributes both a create and an update may carry, when present in the body. */
function commonAttributes(body: JsonObject) {
  const name = optionalStringArg(body, 'name')
  const adminStateUp = optionalBoolArg(body, 'admin_state_up')
  const mac = macFrom(body)
  const deviceId = optionalStringArg(body, 'device_id')
  const description = optionalStringArg(body, 'description')
  return {
    ...(name === undefined ? {} : { name }),
    ...(adminStateUp === undefined ? {} : { admin_state_up: adminStateUp }),
    ...(mac === undefined ? {} : { mac_address: mac }),
    ...(body['fixed_ips'] === undefined ? {} : { fixed_ips: fixedIpsFrom(body['fixed_ips']) }),
    ...(deviceId === undefined ? {} : { device_id: deviceId }),
    ...(description === undefined ? {} : { description }),
    ...(body['extra_dhcp_opts'] === undefined || body['extra_dhcp_opts'] === null
      ? {}
      : { extra_dhcp_opts: extraDhcpOptsFrom(body['extra_dhcp_opts']) }),
  }
}

/**
 * The port an agent asks for with create_dhcp_port, as Neutron completes it: device_owner
 * forced to `network:dhcp`, bound to the asking host, API defaults for what is missing.
 */
export function dhcpPortCreateFrom(
  body: JsonObject,
  options: { host: string; networkProjectId: string },
): PortCreate {
  const projectId =
    optionalStringArg(body, 'project_id') ??
    optionalStringArg(body, 'tenant_id') ??
    options.networkProjectId
  return {
    name: '',
    admin_state_up: true,
    device_id: '',
    description: '',
    ...commonAttributes(body),
    network_id: stringArg(body, 'network_id'),
    project_id: projectId,
    device_owner: DEVICE_OWNER_DHCP,
    'binding:host_id': options.host,
  }
}

/** The change an agent asks for with update_dhcp_port; the port gets bound to the host. */
export function dhcpPortUpdateFrom(body: JsonObject, host: string): PortUpdate {
  const deviceOwner = optionalStringArg(body, 'device_owner')
  return {
    ...commonAttributes(body),
    ...(deviceOwner === undefined ? {} : { device_owner: deviceOwner }),
    'binding:host_id': host,
  }
}
