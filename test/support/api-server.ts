import pino from 'pino'
import type { FastifyInstance } from 'fastify'
import { createApi } from '../../src/api/app.js'
import type { DatabaseHandle } from '../../src/db/database.js'
import { CorePlugin } from '../../src/plugin/core-plugin.js'

/** An answer from the API under test. */
export interface ApiResponse {
  readonly status: number
  readonly body: any
  readonly headers: Headers
}

/** A running API on a real port, and a small HTTP client for it. */
export interface TestApi {
  readonly url: string
  request(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<ApiResponse>
  close(): Promise<void>
}

/** Starts the REST API over a database on 127.0.0.1, port 0. */
export async function startTestApi(handle: DatabaseHandle): Promise<TestApi> {
  const plugin = new CorePlugin(handle, {
    baseMac: 'fa:16:3e:00:00:00',
    globalPhysnetMtu: 1500,
    maxDnsNameservers: 5,
    maxSubnetHostRoutes: 20,
    macGenerationRetries: 16,
  })
  const app: FastifyInstance = createApi({
    plugin,
    log: pino({ level: 'silent' }),
    maxRequestBodySize: 114688,
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return apiClient(`http://127.0.0.1:${port}`, () => app.close())
}

/** A small HTTP client for an API at `url`; `close` is what ends the API. */
export function apiClient(url: string, close: () => Promise<void>): TestApi {
  return {
    url,
    async request(method, path, body, headers = {}) {
      const init: RequestInit = { method, headers: { ...headers } }
      if (body !== undefined) {
        init.body = typeof body === 'string' ? body : JSON.stringify(body)
        ;(init.headers as Record<string, string>)['content-type'] = 'application/json'
      }
      const response = await fetch(`${url}${path}`, init)
      const text = await response.text()
      let parsed: unknown = text
      try {
        parsed = text === '' ? null : JSON.parse(text)
      } catch {
        parsed = text
      }
      return { status: response.status, body: parsed, headers: response.headers }
    },
    close,
  }
}
