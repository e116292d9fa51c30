import { parseArgs } from 'node:util'
import { writeFileSync } from 'node:fs'
import { ConfigError } from '../common/errors.js'
import { loadLeaseholdConfig, sampleConfig } from './config.js'
import { runDhcpAgent } from './agent-command.js'
import { runDbUpgrade } from './db-upgrade.js'
import { runPolicyShow } from './policy-show.js'
import { runServer } from './server.js'

const USAGE = `Usage: leasehold <command> [--config-file PATH]...

Commands:
  up                  start the all-in-one (API, SQLite under state_path) on 127.0.0.1:9696
  server              start the API server and the agents' RPC endpoints (needs rabbit://)
  dhcp-agent          start this host's DHCP agent (needs rabbit://, root, dnsmasq)
  db upgrade          apply database migrations
  config sample       print the sample configuration file (--output PATH writes it)
  policy show         print the policy rules in force (defaults merged with [oslo_policy] policy_file)

Options:
  --config-file PATH  an INI file; repeatable, later files win
  --bind-port N       override [DEFAULT] bind_port
  --state-path PATH   override [DEFAULT] state_path
  --insecure-noauth   let auth_strategy = noauth listen on a non-loopback bind_host
                      (same as [DEFAULT] allow_insecure_noauth = true)
`

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'config-file': { type: 'string', multiple: true },
      'bind-port': { type: 'string' },
      'state-path': { type: 'string' },
      'insecure-noauth': { type: 'boolean' },
      output: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  const command = positionals.join(' ')
  if (values.help || command === '') {
    process.stdout.write(USAGE)
    return values.help ? 0 : 2
  }
  if (command === 'config sample') {
    if (values.output) writeFileSync(values.output, sampleConfig())
    else process.stdout.write(sampleConfig())
    return 0
  }
  const defaults: Record<string, string> = {}
  if (values['bind-port'] !== undefined) defaults.bind_port = values['bind-port']
  if (values['state-path'] !== undefined) defaults.state_path = values['state-path']
  if (values['insecure-noauth'] === true) defaults.allow_insecure_noauth = 'true'
  const configFiles = values['config-file'] ?? []
  const config = loadLeaseholdConfig(configFiles, { DEFAULT: defaults })
  switch (command) {
    case 'up':
      return runServer(config, { allInOne: true, configFiles })
    case 'server':
      return runServer(config, { allInOne: false, configFiles })
    case 'dhcp-agent':
      return runDhcpAgent(config)
    case 'db upgrade':
      return runDbUpgrade(config)
    case 'policy show':
      return runPolicyShow(config, configFiles)
    default:
      process.stderr.write(`leasehold: unknown command '${command}'\n\n${USAGE}`)
      return 2
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code
  },
  (error: unknown) => {
    if (
      error instanceof ConfigError ||
      (error instanceof Error && error.name === 'TypeError' && 'code' in error)
    ) {
      process.stderr.write(`leasehold: ${error.message}\n`)
      process.exitCode = 2
      return
    }
    process.stderr.write(
      `leasehold: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    )
    process.exitCode = 1
  },
)
