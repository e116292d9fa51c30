import type { KeyedExecutor } from '../common/keyed-executor.js'

/** A change the server told the agent about (spec §3.6's DHCPResourceUpdate). */
export interface ResourceUpdate {
  readonly networkId: string
  /** Lower first; the server sets it per method (spec §2.3), 255 when absent. */
  readonly priority: number
  readonly method: string
  readonly payload: Readonly<Record<string, unknown>>
  /** Arrival order, to break ties between equal priorities. */
  readonly sequence: number
}

/** Handles every update queued for one network at once, in priority order. */
export type BatchHandler = (networkId: string, updates: readonly ResourceUpdate[]) => Promise<void>

/**
 * Queues updates per network: one network's updates are handled one batch at a time, different
 * networks side by side up to a bound. A batch is every update that arrived while the previous
 * batch of that network ran, so a burst of port changes becomes one rewrite and one reload,
 * while a lone change starts at once.
 */
export class NetworkUpdateQueue {
  private readonly pending = new Map<string, ResourceUpdate[]>()
  private sequence = 0

  constructor(
    private readonly executor: KeyedExecutor,
    private readonly handle: BatchHandler,
  ) {}

  /** Queues an update and makes sure a batch for its network will run. */
  push(update: Omit<ResourceUpdate, 'sequence'>): void {
    const queued = this.pending.get(update.networkId)
    const item = { ...update, sequence: this.sequence++ }
    if (queued) {
      queued.push(item)
      return
    }
    this.pending.set(update.networkId, [item])
    void this.executor.submit(update.networkId, () => this.runBatch(update.networkId))
  }

  /** Runs a task in the network's turn (after its queued batches), as a sync does. */
  runInTurn(networkId: string, task: () => Promise<void>): Promise<void> {
    return this.executor.submit(networkId, task)
  }

  /** How many updates wait. */
  size(): number {
    let count = 0
    for (const updates of this.pending.values()) count += updates.length
    return count
  }

  private async runBatch(networkId: string): Promise<void> {
    const updates = this.pending.get(networkId) ?? []
    this.pending.delete(networkId)
    updates.sort((a, b) => a.priority - b.priority || a.sequence - b.sequence)
    await this.handle(networkId, updates)
  }
}
