import { adminRpcContext } from '../rpc-context.js'
import type { RpcCaller } from '../types.js'

/**
 * Neutron's PluginReportStateAPI (topic `q-reports-plugin`, version 1.2), spec §2.4. Versions:
 * 1.0 report_state; 1.1 resource versions; 1.2 has_alive_neutron_server.
 */
export const REPORTS_TOPIC = 'q-reports-plugin'

/** The server's answer to a report: `revived` asks the agent to resync. */
export type ReportStatus = 'new' | 'revived' | 'alive' | null

/** What a DHCP agent reports about itself (the inner `agent_state`). */
export interface AgentState {
  readonly binary: string
  readonly host: string
  readonly availability_zone: string
  readonly topic: string
  readonly agent_type: string
  readonly configurations: Readonly<Record<string, unknown>>
  readonly start_flag?: boolean
  readonly uuid?: string
}

/** `%Y-%m-%dT%H:%M:%S.%f` in UTC, as Neutron's agents stamp a report. */
export function reportTime(date = new Date()): string {
  return `${date.toISOString().slice(0, 19)}.${String(date.getUTCMilliseconds() * 1000).padStart(6, '0')}`
}

/** Sends state reports as calls with the report interval as timeout, as Neutron's agents do. */
export class ReportStateApi {
  constructor(private readonly caller: RpcCaller) {}

  reportState(state: AgentState, timeoutSeconds: number): Promise<ReportStatus> {
    return this.caller
      .prepare({ version: '1.2', timeoutSeconds })
      .call<ReportStatus>(adminRpcContext(), 'report_state', {
        agent_state: { agent_state: state },
        time: reportTime(),
      })
  }
}
