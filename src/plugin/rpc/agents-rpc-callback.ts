import type { Logger } from 'pino'
import { InvalidInput } from '../../common/errors.js'
import type { RpcArgs, RpcEndpoint } from '../../rpc/types.js'
import type { AgentReport, AgentService, ReportStatus } from '../agents.js'
import { isObject, objectArg, optionalStringArg, stringArg, type JsonObject } from './rpc-args.js'

/**
 * The state-report endpoint agents call on topic `q-reports-plugin` (Neutron's
 * AgentExtRpcCallback). Versions: 1.0 report_state; 1.1 resource versions in the report;
 * 1.2 has_alive_neutron_server.
 */
export const AGENTS_RPC_VERSION = '1.2'

/** What the endpoint needs. */
export interface AgentsRpcCallbackDeps {
  readonly agents: AgentService
  /** `agent_down_time` (seconds): the clock skew that is logged as an error. */
  readonly agentDownTime: number
  readonly log: Logger
  /** When this server started; reports stamped earlier are ignored. Default: now. */
  readonly startTime?: Date
  /** The server's clock; default `new Date()`. */
  readonly clock?: () => Date
}

/** Microseconds since the epoch of a `%Y-%m-%dT%H:%M:%S.%f` UTC time, as agents send `time`. */
export function parseAgentTime(text: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(text)
  if (!match) throw new InvalidInput(`time '${text}' does not match format '%Y-%m-%dT%H:%M:%S.%f'`)
  const [, y, mo, d, h, mi, s, fraction] = match.map((part) => part ?? '')
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s))
  // Date.UTC rolls month 13 over into the next year; strptime refuses it, and so do we.
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 19) !== text.slice(0, 19)) {
    throw new InvalidInput(`time '${text}' is not a valid time`)
  }
  return ms * 1000 + Number((fraction ?? '').padEnd(6, '0'))
}

function optionalObject(state: JsonObject, name: string): JsonObject | undefined {
  const value = state[name]
  if (value === undefined || value === null) return undefined
  if (!isObject(value)) throw new InvalidInput(`agent_state.${name} must be an object`)
  return value
}

/** Reads the inner `agent_state` dict of a report. */
export function agentReportFrom(state: JsonObject): AgentReport {
  const availabilityZone = optionalStringArg(state, 'availability_zone')
  const configurations = optionalObject(state, 'configurations')
  const resourceVersions = optionalObject(state, 'resource_versions')
  return {
    agent_type: stringArg(state, 'agent_type'),
    binary: stringArg(state, 'binary'),
    host: stringArg(state, 'host'),
    topic: stringArg(state, 'topic'),
    ...(availabilityZone === undefined ? {} : { availability_zone: availabilityZone }),
    ...(configurations === undefined ? {} : { configurations }),
    ...(resourceVersions === undefined ? {} : { resource_versions: resourceVersions }),
    start_flag: state['start_flag'] === true,
  }
}

/** Creates the `q-reports-plugin` endpoint: report_state and has_alive_neutron_server. */
export function createAgentsRpcCallback(deps: AgentsRpcCallbackDeps): RpcEndpoint {
  const clock = deps.clock ?? (() => new Date())
  const startMicros = (deps.startTime ?? clock()).getTime() * 1000

  /** spec §2.4: on an agent's first report, a clock further off than agent_down_time is an error. */
  function checkClockSync(report: AgentReport, agentMicros: number): void {
    if (!report.start_flag) return
    const serverMicros = clock().getTime() * 1000
    const diffSeconds = Math.abs(serverMicros - agentMicros) / 1e6
    if (diffSeconds <= deps.agentDownTime) return
    deps.log.error(
      {
        host: report.host,
        agent_type: report.agent_type,
        agent_time: new Date(agentMicros / 1000).toISOString(),
        server_time: new Date(serverMicros / 1000).toISOString(),
        diff_seconds: diffSeconds,
        agent_down_time: deps.agentDownTime,
      },
      'agent clock differs from the server clock by more than agent_down_time',
    )
  }

  async function reportState(_context: unknown, args: RpcArgs): Promise<ReportStatus | null> {
    const agentMicros = parseAgentTime(stringArg(args, 'time'))
    const report = agentReportFrom(objectArg(objectArg(args, 'agent_state'), 'agent_state'))
    checkClockSync(report, agentMicros)
    if (agentMicros < startMicros) {
      deps.log.debug(
        { host: report.host, agent_type: report.agent_type, time: args['time'] },
        'ignoring a state report older than the server',
      )
      return null
    }
    return deps.agents.createOrUpdate(report)
  }

  return {
    version: AGENTS_RPC_VERSION,
    namespace: null,
    methods: {
      report_state: reportState,
      has_alive_neutron_server: () => true,
    },
  }
}
