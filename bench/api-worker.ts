import { parentPort, workerData } from 'node:worker_threads'
import pino from 'pino'
import { createApi } from '../src/api/app.js'
import { createAuthenticator, type AuthSettings } from '../src/api/auth/index.js'
import { openDatabase } from '../src/db/database.js'
import { CorePlugin } from '../src/plugin/core-plugin.js'

/**
 * The API under benchmark, in its own thread so that the load generator does not share its
 * event loop. Posts `{ port }` once listening; on the message `'stop'` it closes the server and
 * the database, and the thread ends.
 */

/** What the benchmark hands the worker. */
export interface ApiWorkerData {
  readonly url: string
  /** Most database connections (PostgreSQL); the shipped default is 5. */
  readonly maxPoolSize: number
  /** The auth strategy and its options; noauth when absent. */
  readonly auth?: AuthSettings
}

/** What the worker posts back once listening. */
export interface ApiWorkerReady {
  readonly port: number
}

async function main(port: NonNullable<typeof parentPort>): Promise<void> {
  const data = workerData as ApiWorkerData
  const handle = openDatabase(data.url, { maxPoolSize: data.maxPoolSize })
  const plugin = new CorePlugin(handle, {
    baseMac: 'fa:16:3e:00:00:00',
    globalPhysnetMtu: 1500,
    maxDnsNameservers: 5,
    maxSubnetHostRoutes: 20,
    macGenerationRetries: 16,
  })
  const log = pino({ level: 'silent' })
  const authenticator = data.auth ? createAuthenticator(data.auth, log) : undefined
  const app = createApi({
    plugin,
    log,
    maxRequestBodySize: 114688,
    ...(authenticator ? { authenticator } : {}),
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  const ready: ApiWorkerReady = { port: typeof address === 'object' && address ? address.port : 0 }
  port.once('message', () => {
    void app
      .close()
      .then(() => handle.close())
      .then(() => port.close())
  })
  port.postMessage(ready)
}

if (parentPort) await main(parentPort)
