import { chmodSync, mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BenchHost } from './agent-host.js'
import {
  freePort,
  spawnLeasehold,
  upgradeDatabase,
  writeIni,
  type LeaseholdProcess,
} from './agent-processes.js'
import { createBenchClient, type BenchClient } from './http-client.js'
import { scratchVhost } from './rpc.js'

/** The agent's `[DEFAULT] host`. */
export const AGENT_HOST = 'bench-agent'
/** Milliseconds a process gets to start (Node, migrations, the broker connection). */
const START_TIMEOUT_MS = 60_000

const isMsg = (msg: string) => (fields: Record<string, unknown>) => fields['msg'] === msg

/**
 * A production-shaped deployment on a scratch vhost and a scratch SQLite file: `leasehold server`
 * and one `leasehold dhcp-agent` (host `bench-agent`, its own state_path), each a process.
 */
export class AgentDeployment {
  /** The agent's `dhcp_confs` (`<state_path>/dhcp`). */
  readonly dhcpDir: string
  readonly api: BenchClient
  private agentProcess: LeaseholdProcess | undefined

  private constructor(
    private readonly host: BenchHost,
    private readonly server: LeaseholdProcess,
    private readonly configFiles: { common: string; agent: string },
    apiUrl: string,
    statePath: string,
  ) {
    this.dhcpDir = join(statePath, 'dhcp')
    this.api = createBenchClient(apiUrl, 8)
  }

  /** Makes the vhost, config files and database, starts the server and the agent. */
  static async start(host: BenchHost): Promise<AgentDeployment> {
    const dir = mkdtempSync(join(tmpdir(), 'leasehold-bench-agent-'))
    host.trackDir(dir)
    // dnsmasq rereads its files as an unprivileged user: every directory must be traversable.
    chmodSync(dir, 0o755)
    const statePath = join(dir, 'agent')
    mkdirSync(statePath, { mode: 0o755 })
    mkdirSync(join(dir, 'server'), { mode: 0o755 })
    host.trackDhcpDir(join(statePath, 'dhcp'))
    const vhost = scratchVhost()
    host.onCleanup(() => vhost.drop())
    const port = await freePort()
    const common = join(dir, 'leasehold.conf')
    const agent = join(dir, 'dhcp-agent.conf')
    writeIni(common, {
      DEFAULT: {
        transport_url: vhost.url,
        host: 'bench-server',
        bind_host: '127.0.0.1',
        bind_port: String(port),
        state_path: join(dir, 'server'),
      },
      database: { connection: `sqlite:///${join(dir, 'bench.sqlite')}` },
    })
    writeIni(agent, { DEFAULT: { host: AGENT_HOST, state_path: statePath } })
    await upgradeDatabase([common])
    const server = spawnLeasehold(host, 'server', [common])
    await server.waitForLog(isMsg('leasehold API listening'), START_TIMEOUT_MS)
    const deployment = new AgentDeployment(
      host,
      server,
      { common, agent },
      `http://127.0.0.1:${port}`,
      statePath,
    )
    await deployment.startAgent().waitForLog(isMsg('DHCP agent started'), START_TIMEOUT_MS)
    return deployment
  }

  /** The running agent. */
  get agent(): LeaseholdProcess {
    if (!this.agentProcess) throw new Error('the agent is not running')
    return this.agentProcess
  }

  /** Spawns the agent (it must be stopped); does not wait for it. */
  startAgent(): LeaseholdProcess {
    if (this.agentProcess) throw new Error('the agent runs already')
    this.agentProcess = spawnLeasehold(this.host, 'dhcp-agent', [
      this.configFiles.common,
      this.configFiles.agent,
    ])
    return this.agentProcess
  }

  /** Stops the agent with SIGTERM (its dnsmasq processes keep serving). */
  async stopAgent(): Promise<void> {
    const agent = this.agentProcess
    this.agentProcess = undefined
    const end = await agent?.stop()
    if (end && end.code !== 0) {
      const how = end.signal ? `by ${end.signal}` : `with ${end.code}`
      throw new Error(
        `the agent ended ${how}, ${Math.round(end.ms)} ms after SIGTERM:\n${agent?.tail(30)}`,
      )
    }
  }

  /** Waits until the running agent logged `msg` (now or earlier). */
  async agentLogged(msg: string, timeoutMs = START_TIMEOUT_MS): Promise<number> {
    return (await this.agent.waitForLog(isMsg(msg), timeoutMs)).at
  }

  /** Stops the agent and the server; the host's cleanup removes the rest. */
  async stop(): Promise<void> {
    this.api.close()
    await this.stopAgent()
    await this.server.stop()
  }
}
