import { loadConfig, renderSample, type Config, type SampleEntry } from '../common/config/index.js'
import { ConfigError } from '../common/errors.js'
import { parseMac } from '../common/net/mac.js'
import { apiOptions, keystoneAuthtokenOptions } from '../api/options.js'
import { policyOptions } from '../common/policy/index.js'
import { databaseOptions } from '../db/options.js'
import { agentSectionOptions, dhcpAgentOptions } from '../agent/options.js'
import { notifierOptions } from '../notifier/options.js'
import { agentServerOptions } from '../plugin/agent-options.js'
import { pluginOptions } from '../plugin/options.js'
import { messagingOptions, rabbitOptions } from '../rpc/options.js'
import { schedulerOptions } from '../scheduler/options.js'
import { commonOptions } from './options.js'

/** Every option table, with the namespace the sample file names it by. */
export const optionTables: readonly SampleEntry[] = [
  { namespace: 'leasehold.common', group: commonOptions },
  { namespace: 'leasehold.api', group: apiOptions },
  { namespace: 'leasehold.plugin', group: pluginOptions },
  { namespace: 'leasehold.db', group: databaseOptions },
  { namespace: 'leasehold.agents', group: agentServerOptions },
  { namespace: 'leasehold.notifier', group: notifierOptions },
  { namespace: 'leasehold.scheduler', group: schedulerOptions },
  { namespace: 'leasehold.dhcp_agent', group: dhcpAgentOptions },
  { namespace: 'leasehold.dhcp_agent.agent', group: agentSectionOptions },
  { namespace: 'oslo.messaging', group: messagingOptions },
  { namespace: 'oslo.messaging.rabbit', group: rabbitOptions },
  { namespace: 'keystonemiddleware.auth_token', group: keystoneAuthtokenOptions },
  { namespace: 'oslo.policy', group: policyOptions },
]

/** The sample configuration file, generated from the option tables. */
export function sampleConfig(): string {
  return renderSample(optionTables)
}

/** Loads the config files and checks the rules that span options. */
export function loadLeaseholdConfig(
  files: readonly string[],
  overrides: Record<string, Record<string, string>> = {},
): Config {
  const config = loadConfig({ files, groups: optionTables.map((t) => t.group), overrides })
  const plugin = config.group(pluginOptions)
  if (parseMac(plugin.base_mac) === undefined) {
    throw new ConfigError(
      `Invalid value for option base_mac in section [DEFAULT]: '${plugin.base_mac}' is not a MAC address`,
    )
  }
  return config
}
