import { connect, createServer, type Server, type Socket } from 'node:net'

/**
 * How a cut looks to the client: `reset` drops every connection (RST) and refuses new ones, like a
 * broker host that is gone; `blackhole` keeps the sockets open but forwards nothing and holds new
 * connections unanswered, like a network partition (only heartbeats or timeouts notice it).
 */
export type CutMode = 'reset' | 'blackhole'

/** A TCP proxy on 127.0.0.1 in front of one port, which a test can cut and restore. */
export interface TcpProxy {
  readonly port: number
  /** Connections currently open through the proxy (held ones included). */
  connectionCount(): number
  cut(mode?: CutMode): Promise<void>
  /** Accepts and forwards again; after a blackhole, the held connections go through. */
  restore(): Promise<void>
  /** Drops every connection and stops listening; later calls do nothing. */
  close(): Promise<void>
}

interface Pair {
  readonly client: Socket
  upstream?: Socket
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      const address = server.address()
      resolve(typeof address === 'object' && address ? address.port : port)
    })
  })
}

/** Starts a proxy from a free port on 127.0.0.1 to `targetHost:targetPort`. */
export async function startTcpProxy(
  targetPort: number,
  targetHost = '127.0.0.1',
): Promise<TcpProxy> {
  const pairs = new Set<Pair>()
  let state: 'open' | CutMode | 'closed' = 'open'

  const drop = (pair: Pair): void => {
    if (!pairs.delete(pair)) return
    pair.client.resetAndDestroy()
    pair.upstream?.resetAndDestroy()
  }
  const forward = (pair: Pair): void => {
    if (!pair.upstream) {
      pair.upstream = connect(targetPort, targetHost)
      pair.upstream.on('error', () => drop(pair))
      pair.upstream.on('close', () => drop(pair))
    }
    const upstream = pair.upstream
    pair.client.pipe(upstream)
    upstream.pipe(pair.client)
  }
  const freeze = (pair: Pair): void => {
    pair.client.unpipe()
    pair.client.pause()
    pair.upstream?.unpipe()
    pair.upstream?.pause()
  }
  const onConnection = (client: Socket): void => {
    const pair: Pair = { client }
    pairs.add(pair)
    client.on('error', () => drop(pair))
    client.on('close', () => drop(pair))
    if (state === 'blackhole') client.pause()
    else forward(pair)
  }

  let server = createServer(onConnection)
  const port = await listen(server, 0)
  const stopListening = () => new Promise<void>((resolve) => server.close(() => resolve()))

  return {
    port,
    connectionCount: () => pairs.size,
    async cut(mode = 'reset') {
      if (state !== 'open') throw new Error(`proxy is ${state}, not open`)
      state = mode
      if (mode === 'blackhole') {
        for (const pair of pairs) freeze(pair)
        return
      }
      const closed = stopListening()
      for (const pair of pairs) drop(pair)
      await closed
    },
    async restore() {
      if (state === 'blackhole') {
        for (const pair of pairs) forward(pair)
      } else if (state === 'reset') {
        server = createServer(onConnection)
        await listen(server, port)
      }
      if (state !== 'closed') state = 'open'
    },
    async close() {
      if (state === 'closed') return
      const listening = state !== 'reset'
      state = 'closed'
      for (const pair of pairs) drop(pair)
      if (listening) await stopListening()
    },
  }
}
