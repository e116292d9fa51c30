import { describe, expect, it } from 'vitest'
import {
  bool,
  defineOptions,
  float,
  hostAddress,
  int,
  list,
  port,
  renderSample,
  str,
} from '../../../../src/common/config/index.js'

const serverOptions = defineOptions('DEFAULT', {
  bind_host: hostAddress({ default: '0.0.0.0', help: 'The host IP to bind to.' }),
  bind_port: port({ default: 9696, help: 'The port to bind to.' }),
  api_workers: int({ default: 2, min: 1, help: 'Number of API workers.' }),
})
const agentOptions = defineOptions('DEFAULT', {
  dhcp_driver: str({
    default: 'dnsmasq',
    choices: ['dnsmasq', ['noop', 'Serves nothing.']],
    help: 'The DHCP driver.',
  }),
  state_path: str({ default: null, help: 'Where to keep state.' }),
  dnsmasq_dns_servers: list({
    default: ['198.18.0.53', '198.18.0.54'],
    help: 'Send DNS queries to the listed servers when the per-network dnsmasq-based DHCP servers forward.',
  }),
})
const reportOptions = defineOptions('AGENT', {
  report_interval: float({ default: 30, min: 0, help: 'Seconds between state reports.' }),
  log_agent_heartbeats: bool({ default: false, help: 'Log each heartbeat.' }),
})
const databaseOptions = defineOptions('database', {
  connection: str({ default: ' padded ', help: '', secret: true }),
})

describe('renderSample', () => {
  it('renders sections, namespaces and options as oslo-config-generator does', () => {
    const text = renderSample([
      { namespace: 'leasehold.server', group: serverOptions },
      { namespace: 'leasehold.agent', group: agentOptions },
      { namespace: 'leasehold.agent', group: reportOptions },
      { namespace: 'leasehold.db', group: databaseOptions },
    ])
    expect(text).toBe(`[DEFAULT]

#
# From leasehold.agent
#

# The DHCP driver. (string value)
# Possible values:
# dnsmasq - <No description provided>
# noop - Serves nothing.
#dhcp_driver = dnsmasq

# Where to keep state. (string value)
#state_path = <None>

# Send DNS queries to the listed servers when the per-network dnsmasq-
# based DHCP servers forward. (list value)
#dnsmasq_dns_servers = 198.18.0.53,198.18.0.54

#
# From leasehold.server
#

# The host IP to bind to. (host address value)
#bind_host = 0.0.0.0

# The port to bind to. (port value)
# Minimum value: 0
# Maximum value: 65535
#bind_port = 9696

# Number of API workers. (integer value)
# Minimum value: 1
#api_workers = 2


[AGENT]

#
# From leasehold.agent
#

# Seconds between state reports. (floating point value)
# Minimum value: 0.0
#report_interval = 30.0

# Log each heartbeat. (boolean value)
#log_agent_heartbeats = false


[database]

#
# From leasehold.db
#

# (string value)
#connection = " padded "
`)
  })

  it('always starts with [DEFAULT] and renders the same text for the same input', () => {
    const entries = [{ namespace: 'leasehold.db', group: databaseOptions }]
    expect(renderSample(entries)).toBe(renderSample(entries))
    expect(renderSample(entries).startsWith('[DEFAULT]\n\n\n[database]\n')).toBe(true)
  })

  it('wraps a long help text at 70 columns and keeps its paragraphs', () => {
    const group = defineOptions('DEFAULT', {
      resync_interval: int({
        default: 5,
        help: 'Interval between state reports sent by the DHCP agent to the server, in seconds.\n\nKeep it short.',
      }),
    })
    const text = renderSample([{ namespace: 'leasehold.agent', group }])
    expect(text).toContain(`
# Interval between state reports sent by the DHCP agent to the server,
# in seconds.
#
# Keep it short. (integer value)
#resync_interval = 5
`)
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(70)
  })
})
