import { parseArgs } from 'node:util'
import { writeFileSync } from 'node:fs'
import { ConfigError } from '../common/errors.js'
import { loadLeaseholdConfig, sampleConfig } from './config.js'
import { runDbUpgrade } from './db-upgrade.js'
import { runServer } from './server.js'

const USAGE = `Usage: leasehold <command> [--config-file PATH]...

Commands:
  up                  start the all-in-one (API, SQLite under state_path) on 127.0.0.1:9696
  server              start the API server
  db upgrade          apply database migrations
  config sample       print the sample configuration file (--output PATH writes it)

Options:
  --config-file PATH  an INI file; repeatable, later files win
  --bind-port N       override [DEFAULT] bind_port
  --state-path PATH   override [DEFAULT] state_path
`

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'config-file': { type: 'string', multiple: true },
      'bind-port': { type: 'string' },
      'state-path': { type: 'string' },
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
  const config = loadLeaseholdConfig(values['config-file'] ?? [], { DEFAULT: defaults })
  switch (command) {
    case 'up':
      return runServer(config, { allInOne: true })
    case 'server':
      return runServer(config, { allInOne: false })
    case 'db upgrade':
      return runDbUpgrade(config)
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
