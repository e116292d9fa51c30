import type { FastifyInstance } from 'fastify'
import pino from 'pino'
import { createApi } from '../../src/api/app.js'
import type { Authenticator } from '../../src/api/auth/index.js'
import type { Policy } from '../../src/common/policy/index.js'
import type { DatabaseHandle } from '../../src/db/database.js'
import { CorePlugin } from '../../src/plugin/core-plugin.js'
import type { ApiResponse } from './api-server.js'

/** The REST API with an auth strategy and policy of a test's choosing, on 127.0.0.1:<port 0>. */
export interface AuthApi {
  readonly url: string
  request(
    method: string,
    path: string,
    options?: { body?: unknown; headers?: Record<string, string> },
  ): Promise<ApiResponse>
  close(): Promise<void>
}

/** Starts the API over `handle` with `authenticator` and `policy` (defaults: noauth, Neutron's rules). */
export async function startAuthApi(
  handle: DatabaseHandle,
  options: { authenticator?: Authenticator; policy?: Policy } = {},
): Promise<AuthApi> {
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
    ...options,
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  return {
    url,
    async request(method, path, { body, headers = {} } = {}) {
      const init: RequestInit = { method, headers: { ...headers } }
      if (body !== undefined) {
        init.body = JSON.stringify(body)
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
    close: () => app.close(),
  }
}

/** Polls an async `condition` every `intervalMs` until it holds; throws after `timeoutMs`. */
export async function waitUntil(
  condition: () => Promise<boolean>,
  { timeoutMs = 10_000, intervalMs = 100, what = 'condition' } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}
