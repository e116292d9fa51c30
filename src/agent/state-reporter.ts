import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import type { AgentState, ReportStateApi, ReportStatus } from '../rpc/apis/report-state-api.js'

/** What the reporter needs to build each report. */
export interface StateReporterOptions {
  readonly api: ReportStateApi
  /** `[AGENT] report_interval` (seconds); 0 disables reports. */
  readonly intervalSeconds: number
  /** The fixed part of the report; `configurations` is completed by `configurations()`. */
  readonly state: Omit<AgentState, 'configurations' | 'start_flag' | 'uuid'>
  readonly configurations: () => Record<string, unknown>
  /** Called with the server's answer; `revived` means the agent should resync. */
  readonly onStatus: (status: ReportStatus) => void
  readonly logHeartbeats: boolean
  readonly log: Logger
}

/**
 * Reports the agent's state every `report_interval` (spec §2.4): the first successful report
 * carries `start_flag`; a failed report is logged and retried at the next tick, never fatal.
 */
export class StateReporter {
  private timer: NodeJS.Timeout | undefined
  private startFlag = true
  private inFlight: Promise<void> | undefined
  /** When the last report succeeded (ms since the epoch), for metrics. */
  lastSuccess = 0

  constructor(private readonly options: StateReporterOptions) {}

  /** Sends the first report at once, then one every interval. */
  start(): void {
    if (this.options.intervalSeconds <= 0 || this.timer) return
    void this.tick()
    this.timer = setInterval(() => void this.tick(), this.options.intervalSeconds * 1000)
  }

  async stop(): Promise<void> {
    clearInterval(this.timer)
    this.timer = undefined
    await this.inFlight
  }

  private async tick(): Promise<void> {
    if (this.inFlight) return
    this.inFlight = this.report().finally(() => {
      this.inFlight = undefined
    })
    await this.inFlight
  }

  private async report(): Promise<void> {
    const state: AgentState = {
      ...this.options.state,
      configurations: this.options.configurations(),
      ...(this.startFlag ? { start_flag: true } : {}),
      uuid: randomUUID(),
    }
    try {
      const status = await this.options.api.reportState(
        state,
        Math.max(1, this.options.intervalSeconds),
      )
      this.startFlag = false
      this.lastSuccess = Date.now()
      if (this.options.logHeartbeats) this.options.log.info({ status }, 'state reported')
      this.options.onStatus(status)
    } catch (error) {
      this.options.log.warn({ err: error }, 'failed to report state to the server')
    }
  }
}
