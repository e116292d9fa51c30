import { execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { promisify } from 'node:util'
import * as amqp from 'amqplib'
import { afterAll, beforeAll } from 'vitest'
import { onTestProcessExit } from './processes.js'
import { ensureServices } from './services.js'

const run = promisify(execFile)

/** A RabbitMQ node the tests talk to: its AMQP port and a `rabbitmqctl` bound to it. */
export interface RabbitBroker {
  readonly port: number
  /** Runs `rabbitmqctl --quiet <args>` against this node and returns its stdout. */
  ctl(args: readonly string[]): Promise<string>
}

/** The machine's broker on 127.0.0.1:5672, driven by Debian's `rabbitmqctl` wrapper. */
export const sharedBroker: RabbitBroker = {
  port: 5672,
  ctl: async (args) => (await run('rabbitmqctl', ['--quiet', ...args])).stdout,
}

/** Starts the machine's broker when nothing listens on 127.0.0.1:5672, and waits until it is up. */
export async function ensureRabbitMq(): Promise<void> {
  await ensureServices(['RabbitMQ'])
}

/** The oslo.messaging transport URL (`rabbit://`) and the amqplib URL (`amqp://`) of a vhost. */
export function brokerUrls(port: number, vhost: string): { url: string; amqpUrl: string } {
  const path = vhost === '/' ? '' : encodeURIComponent(vhost)
  const hostPart = `guest:guest@127.0.0.1:${port}/${path}`
  return { url: `rabbit://${hostPart}`, amqpUrl: `amqp://${hostPart}` }
}

/** A vhost of its own for one test file; `drop` deletes it with everything declared in it. */
export interface RabbitVhost {
  readonly vhost: string
  /** `rabbit://guest:guest@127.0.0.1:<port>/<vhost>`, as oslo.messaging's transport_url. */
  readonly url: string
  /** The same as `amqp://…`, which is what amqplib accepts. */
  readonly amqpUrl: string
  readonly broker: RabbitBroker
  /** Deletes the vhost; a second call does nothing. */
  drop(): Promise<void>
}

/** Creates `leasehold-test-<pid>-<hex>` on a broker (the shared one by default), open to guest. */
export async function createRabbitVhost(broker: RabbitBroker = sharedBroker): Promise<RabbitVhost> {
  if (broker === sharedBroker) await ensureRabbitMq()
  const vhost = `leasehold-test-${process.pid}-${randomBytes(4).toString('hex')}`
  await broker.ctl(['add_vhost', vhost])
  // a private broker's vhosts go with its directory; the shared broker's must be deleted
  const forget =
    broker === sharedBroker
      ? onTestProcessExit(() => {
          const args = ['--quiet', 'delete_vhost', vhost]
          spawn('rabbitmqctl', args, { detached: true, stdio: 'ignore' }).unref()
        }, 'remove')
      : () => {}
  let dropped = false
  const drop = async (): Promise<void> => {
    if (dropped) return
    dropped = true
    await broker.ctl(['delete_vhost', vhost])
    forget()
  }
  try {
    await broker.ctl(['set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*'])
  } catch (error) {
    await drop()
    throw error
  }
  return { vhost, ...brokerUrls(broker.port, vhost), broker, drop }
}

/** A fresh vhost on the shared broker for the suite: created before all tests, dropped after. */
export function useRabbitVhost(): () => RabbitVhost {
  let vhost: RabbitVhost | undefined
  beforeAll(async () => {
    vhost = await createRabbitVhost()
  })
  afterAll(async () => {
    await vhost?.drop()
  })
  return () => {
    if (!vhost) throw new Error('vhost not ready')
    return vhost
  }
}

/** A queue as `rabbitmqctl list_queues` reports it; `arguments` as a plain object. */
export interface QueueInfo {
  readonly name: string
  readonly durable: boolean
  readonly auto_delete: boolean
  readonly exclusive: boolean
  readonly arguments: Record<string, unknown>
  readonly consumers: number
}

/** An exchange as `rabbitmqctl list_exchanges` reports it (the default and amq.* ones left out). */
export interface ExchangeInfo {
  readonly name: string
  readonly type: string
  readonly durable: boolean
  readonly auto_delete: boolean
  readonly internal: boolean
  readonly arguments: Record<string, unknown>
}

/** rabbitmqctl prints arguments as `[[name, type, value], …]`, e.g. `[["x-expires","signedint",1800000]]`. */
function argumentsObject(raw: unknown): Record<string, unknown> {
  if (!Array.isArray(raw)) return {}
  return Object.fromEntries(raw.map((entry: [string, string, unknown]) => [entry[0], entry[2]]))
}

async function listRows<T>(broker: RabbitBroker, command: string[]): Promise<T[]> {
  const rows = JSON.parse(await broker.ctl([...command, '--formatter', 'json'])) as T[]
  return rows.map((row: any) => ({ ...row, arguments: argumentsObject(row.arguments) }))
}

/** The queues of a vhost with their declaration flags and arguments (x-expires, …). */
export function listQueues(vhost: string, broker = sharedBroker): Promise<QueueInfo[]> {
  const columns = ['name', 'durable', 'auto_delete', 'exclusive', 'arguments', 'consumers']
  return listRows(broker, ['list_queues', '-p', vhost, ...columns])
}

/** The exchanges a vhost's clients declared (without `""` and the broker's own `amq.*`). */
export async function listExchanges(vhost: string, broker = sharedBroker): Promise<ExchangeInfo[]> {
  const columns = ['name', 'type', 'durable', 'auto_delete', 'internal', 'arguments']
  const rows = await listRows<ExchangeInfo>(broker, ['list_exchanges', '-p', vhost, ...columns])
  return rows.filter((row) => row.name !== '' && !row.name.startsWith('amq.'))
}

/** Turns the firehose tracer (exchange amq.rabbitmq.trace) on or off for one vhost. */
export async function setTracing(vhost: string, on: boolean, broker = sharedBroker): Promise<void> {
  await broker.ctl([on ? 'trace_on' : 'trace_off', '-p', vhost])
}

/** Opens and closes one AMQP connection; resolves false instead of throwing when refused. */
export async function acceptsAmqp(amqpUrl: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const connection = await amqp.connect(amqpUrl, { timeout: timeoutMs })
    await connection.close()
    return true
  } catch {
    return false
  }
}
