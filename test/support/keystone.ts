import { afterAll, beforeAll } from 'vitest'
import { startKeystone, type KeystoneServer } from './keystone-server.js'

export {
  KEYSTONE_ADMIN,
  KEYSTONE_SERVICE,
  startKeystone,
  type IssuedToken,
  type KeystoneServer,
  type KeystoneUser,
} from './keystone-server.js'

/** Most milliseconds Keystone may take to start (it usually takes about 40 s). */
const START_TIMEOUT_MS = 300_000

/**
 * A real Keystone for one test file: started before its tests (once), stopped after them with
 * its database and directory removed, even when a test failed.
 */
export function useKeystone(networkUrl?: string): () => KeystoneServer {
  let keystone: KeystoneServer | undefined
  beforeAll(async () => {
    keystone = await startKeystone(networkUrl)
    process.stderr.write(`keystone.sh start took ${keystone.startSeconds.toFixed(1)} s\n`)
  }, START_TIMEOUT_MS)
  afterAll(async () => {
    await keystone?.stop()
  }, 60_000)
  return () => {
    if (!keystone) throw new Error('Keystone not started')
    return keystone
  }
}
