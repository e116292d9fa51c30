import { execFileSync } from 'node:child_process'
import { createConnection } from 'node:net'
import { readdirSync } from 'node:fs'

/** A local service the tests need, and how to start it when it is down. */
interface Service {
  readonly name: string
  readonly port: number
  readonly start: () => void
  /** Runs once the port listens, for services that accept connections before they are ready. */
  readonly awaitReady?: () => void
}

function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

const services: readonly Service[] = [
  {
    name: 'PostgreSQL',
    port: 5432,
    start: () => {
      const version = readdirSync('/etc/postgresql')[0] ?? '15'
      execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], {
        stdio: 'inherit',
      })
    },
  },
  {
    name: 'MariaDB',
    port: 3306,
    start: () =>
      execFileSync(
        'start-stop-daemon',
        ['--start', '--oknodo', '--background', '--exec', '/usr/sbin/mariadbd'],
        {
          stdio: 'inherit',
        },
      ),
  },
  {
    name: 'RabbitMQ',
    port: 5672,
    // Debian's wrapper runs the node as the rabbitmq user with /etc/rabbitmq's settings.
    start: () => execFileSync('rabbitmq-server', ['-detached'], { stdio: 'inherit' }),
    awaitReady: () =>
      execFileSync('rabbitmqctl', ['--quiet', 'await_startup', '--timeout', '60'], {
        stdio: 'inherit',
      }),
  },
]

/** Starts PostgreSQL, MariaDB or RabbitMQ when they are not listening, and waits for them. */
export async function ensureServices(names: readonly string[]): Promise<void> {
  for (const service of services.filter((s) => names.includes(s.name))) {
    if (await isListening(service.port)) continue
    service.start()
    const deadline = Date.now() + 60_000
    while (!(await isListening(service.port))) {
      if (Date.now() > deadline)
        throw new Error(`${service.name} did not start on port ${service.port}`)
      await new Promise((r) => setTimeout(r, 250))
    }
    service.awaitReady?.()
  }
}
