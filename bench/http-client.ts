import { Agent, request as httpRequest } from 'node:http'

/** One HTTP answer, body as text (parsing is left to the caller, outside any timing). */
export interface BenchResponse {
  readonly status: number
  readonly text: string
}

/** A keep-alive HTTP client for one base URL. */
export interface BenchClient {
  request(
    method: string,
    path: string,
    body?: unknown,
    headers?: Readonly<Record<string, string>>,
  ): Promise<BenchResponse>
  /** Closes the pooled sockets. */
  close(): void
}

/** Creates a client that reuses up to `maxSockets` connections to `baseUrl`. */
export function createBenchClient(baseUrl: string, maxSockets: number): BenchClient {
  const agent = new Agent({ keepAlive: true, maxSockets })
  const base = new URL(baseUrl)
  return {
    request: (method, path, body, extraHeaders = {}) =>
      new Promise((resolve, reject) => {
        const payload = body === undefined ? undefined : JSON.stringify(body)
        const headers: Record<string, string | number> = {
          accept: 'application/json',
          ...extraHeaders,
        }
        if (payload !== undefined) {
          headers['content-type'] = 'application/json'
          headers['content-length'] = Buffer.byteLength(payload)
        }
        const req = httpRequest(
          { agent, host: base.hostname, port: base.port, method, path, headers },
          (res) => {
            const chunks: Buffer[] = []
            res.on('data', (chunk: Buffer) => chunks.push(chunk))
            res.on('error', reject)
            res.on('end', () => {
              resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') })
            })
          },
        )
        req.on('error', reject)
        req.end(payload)
      }),
    close: () => agent.destroy(),
  }
}
