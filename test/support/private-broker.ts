import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll } from 'vitest'
import { freePort } from './leasehold-process.js'
import { onTestProcessExit, signalQuietly } from './processes.js'
import { acceptsAmqp, brokerUrls, type RabbitBroker } from './rabbitmq.js'

const run = promisify(execFile)

/** A RabbitMQ node of a test's own, for restarts that must not disturb the shared broker. */
export interface PrivateBroker extends RabbitBroker {
  readonly nodeName: string
  /** `rabbit://guest:guest@127.0.0.1:<port>/` (vhost `/`). */
  readonly url: string
  readonly amqpUrl: string
  /** The temp dir holding the node's data, logs and config; removed by `stop()`. */
  readonly dir: string
  /** Stops the node (gracefully, or SIGKILL with `hard`), runs `whileDown`, starts it on the same data. */
  restart(options?: { hard?: boolean; whileDown?: () => Promise<void> }): Promise<void>
  /** Stops the node and removes its directory; later calls do nothing. */
  stop(): Promise<void>
  /** The node's own log, for failure messages. */
  log(): string
}

const RABBITMQ_BIN = existsSync('/usr/lib/rabbitmq/bin/rabbitmq-server')
  ? '/usr/lib/rabbitmq/bin'
  : ''
const bin = (name: string): string => (RABBITMQ_BIN ? join(RABBITMQ_BIN, name) : name)

/** Everything the node reads from its environment points into `dir`, so it shares nothing. */
function privateNodeEnv(dir: string, nodeName: string, port: number, distPort: number) {
  writeFileSync(join(dir, 'enabled_plugins'), '[].\n')
  writeFileSync(join(dir, 'rabbitmq.conf'), '# leasehold test broker: defaults only\n')
  writeFileSync(join(dir, 'rabbitmq-env.conf'), '')
  writeFileSync(join(dir, '.erlang.cookie'), randomBytes(16).toString('hex').toUpperCase(), {
    mode: 0o400,
  })
  return {
    ...process.env,
    HOME: dir, // the Erlang cookie lives in $HOME, shared by the node and our rabbitmqctl
    RABBITMQ_NODENAME: nodeName,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_CONF_ENV_FILE: join(dir, 'rabbitmq-env.conf'), // not /etc/rabbitmq's NODENAME=
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    RABBITMQ_ADVANCED_CONFIG_FILE: join(dir, 'advanced.config'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_PID_FILE: join(dir, 'rabbit.pid'),
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
    ERL_EPMD_ADDRESS: '127.0.0.1',
  }
}

/** One private node: `launch` runs rabbitmq-server in the foreground, `halt` ends it. */
class PrivateRabbitNode implements PrivateBroker {
  readonly url: string
  readonly amqpUrl: string
  private child: ChildProcess | undefined
  private exited: Promise<void> = Promise.resolve()
  private forget = () => {}
  private stopped = false

  constructor(
    readonly dir: string,
    readonly nodeName: string,
    readonly port: number,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    const urls = brokerUrls(port, '/')
    this.url = urls.url
    this.amqpUrl = urls.amqpUrl
  }

  log(): string {
    const file = join(this.dir, 'log', `${this.nodeName}.log`)
    return existsSync(file) ? readFileSync(file, 'utf8') : ''
  }

  async ctl(args: readonly string[]): Promise<string> {
    const argv = ['--quiet', '-n', this.nodeName, ...args]
    return (await run(bin('rabbitmqctl'), argv, { env: this.env })).stdout
  }

  async restart(options: { hard?: boolean; whileDown?: () => Promise<void> } = {}): Promise<void> {
    if (this.stopped) throw new Error(`RabbitMQ node ${this.nodeName} was stopped`)
    await this.halt(options.hard ?? false)
    await options.whileDown?.()
    await this.launch()
  }

  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    await this.halt(false)
    rmSync(this.dir, { recursive: true, force: true })
  }

  /** Starts the node on its data dir and waits until it completes an AMQP handshake. */
  async launch(): Promise<void> {
    const output = openSync(join(this.dir, 'console.log'), 'a')
    // Foreground mode: the script traps SIGTERM and stops the node gracefully. Its own process
    // group lets a hard stop kill the script and beam.smp together, and nothing else.
    const started = spawn(bin('rabbitmq-server'), [], {
      env: this.env,
      cwd: this.dir,
      detached: true,
      stdio: ['ignore', output, output],
    })
    closeSync(output)
    this.exited = new Promise((resolve) => started.once('exit', () => resolve()))
    const failed = new Promise<Error>((resolve) => started.once('error', resolve))
    if (!started.pid) throw await failed
    this.child = started
    started.unref()
    const dir = this.dir
    const forgetKill = onTestProcessExit(() => signalQuietly(-started.pid!, 'SIGKILL'))
    const forgetRemove = onTestProcessExit(
      () => rmSync(dir, { recursive: true, force: true }),
      'remove',
    )
    this.forget = () => {
      forgetKill()
      forgetRemove()
    }
    const deadline = Date.now() + 60_000
    while (!(await acceptsAmqp(this.amqpUrl, 1000))) {
      if (started.exitCode !== null || started.signalCode !== null || Date.now() > deadline) {
        await this.halt(true)
        const consoleText = readFileSync(join(dir, 'console.log'), 'utf8')
        throw new Error(
          `RabbitMQ node ${this.nodeName} did not start:\n${consoleText}\n${this.log()}`,
        )
      }
      await new Promise((r) => setTimeout(r, 200))
    }
  }

  private async halt(hard: boolean): Promise<void> {
    const running = this.child
    if (!running?.pid) return
    this.child = undefined
    const group = -running.pid
    if (hard) signalQuietly(group, 'SIGKILL')
    else signalQuietly(running.pid, 'SIGTERM')
    const timer = setTimeout(() => signalQuietly(group, 'SIGKILL'), 30_000)
    await this.exited
    clearTimeout(timer)
    // the script exits once beam.smp has; a straggler of its group would hold the ports
    signalQuietly(group, 'SIGKILL')
    this.forget()
  }
}

/**
 * Starts a loopback-only RabbitMQ node with its own name, ports and data in a temp dir, and waits
 * until it accepts AMQP connections (4-5 s). Stop it in afterAll/onTestFinished; if the test
 * process ends first, the node's process group is killed and its directory removed.
 */
export async function startPrivateBroker(): Promise<PrivateBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'leasehold-rabbit-'))
  const nodeName = `leasehold-${process.pid}-${randomBytes(3).toString('hex')}@localhost`
  const port = await freePort()
  let distPort = await freePort()
  while (distPort === port) distPort = await freePort()
  const node = new PrivateRabbitNode(
    dir,
    nodeName,
    port,
    privateNodeEnv(dir, nodeName, port, distPort),
  )
  try {
    await node.launch()
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    throw error
  }
  return node
}

/** A private broker for the suite: started before all tests, stopped after (also on failure). */
export function usePrivateBroker(): () => PrivateBroker {
  let broker: PrivateBroker | undefined
  beforeAll(async () => {
    broker = await startPrivateBroker()
  }, 90_000)
  afterAll(async () => {
    await broker?.stop()
  }, 60_000)
  return () => {
    if (!broker) throw new Error('private broker not ready')
    return broker
  }
}
