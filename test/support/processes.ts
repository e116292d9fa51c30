import { constants } from 'node:os'

/** Synchronous last-resort cleanups, run if the test process ends before a test's own stop. */
const atExit = new Map<() => void, 'kill' | 'remove'>()

// Vitest SIGKILLs a worker 500 ms after its SIGTERM: send every signal before removing anything.
function runCleanups(): void {
  for (const phase of ['kill', 'remove']) {
    for (const [cleanup, when] of atExit) if (when === phase) cleanup()
  }
  atExit.clear()
}

// Vitest ends a worker with SIGTERM, which skips 'exit' handlers unless the signal is handled.
function onSigterm(): void {
  runCleanups()
  process.exit(128 + constants.signals.SIGTERM)
}

process.once('exit', runCleanups)

/**
 * Runs `cleanup` if the test process exits or gets SIGTERM before the test stopped what it started;
 * returns the undo, to call after a normal stop. Cleanups must be synchronous and quick: `kill` ones
 * (signals) run before `remove` ones (rmSync, a detached rabbitmqctl).
 */
export function onTestProcessExit(
  cleanup: () => void,
  phase: 'kill' | 'remove' = 'kill',
): () => void {
  if (atExit.size === 0) process.once('SIGTERM', onSigterm)
  atExit.set(cleanup, phase)
  return () => {
    atExit.delete(cleanup)
    if (atExit.size === 0) process.off('SIGTERM', onSigterm)
  }
}

/** Sends a signal to a process (or, negative, a process group) that may be gone already. */
export function signalQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal)
  } catch {
    // already gone
  }
}
