/**
 * Network namespaces: create, delete, list, and prepare one for a DHCP server (spec §3.8, §5).
 * All through `ip netns`; names are checked so they cannot be mistaken for options or paths.
 */
import { CommandFailed } from '../../common/errors.js'
import { execute, netnsExec } from '../host/exec.js'

/** Names `ip netns` accepts here: no slash, no leading dot or dash (they are files in /run/netns). */
const NAMESPACE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}$/

function checkName(namespace: string): void {
  if (!NAMESPACE_NAME.test(namespace)) throw new RangeError(`bad namespace name: ${namespace}`)
}

/** The names of all network namespaces (`ip netns list`, without the `(id: N)` suffix). */
export async function listNamespaces(): Promise<string[]> {
  const { stdout } = await execute(['ip', 'netns', 'list'])
  return stdout
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name !== '')
}

/** Whether network namespace `namespace` exists. */
export async function namespaceExists(namespace: string): Promise<boolean> {
  checkName(namespace)
  return (await listNamespaces()).includes(namespace)
}

/** Creates network namespace `namespace` unless it exists. */
export async function ensureNamespace(namespace: string): Promise<void> {
  checkName(namespace)
  if (await namespaceExists(namespace)) return
  try {
    await execute(['ip', 'netns', 'add', namespace])
  } catch (error) {
    // Someone else created it between the check and the add.
    if (error instanceof CommandFailed && (await namespaceExists(namespace))) return
    throw error
  }
}

/** Deletes network namespace `namespace`; nothing happens when it does not exist. */
export async function deleteNamespace(namespace: string): Promise<void> {
  checkName(namespace)
  if (!(await namespaceExists(namespace))) return
  try {
    await execute(['ip', 'netns', 'delete', namespace])
  } catch (error) {
    if (error instanceof CommandFailed && !(await namespaceExists(namespace))) return
    throw error
  }
}

/** Sets one sysctl inside `namespace` (`ip netns exec NS sysctl -w key=value`). */
export async function setNamespaceSysctl(
  namespace: string,
  key: string,
  value: string | number,
): Promise<void> {
  checkName(namespace)
  if (!/^[a-z0-9_.-]+$/i.test(key)) throw new RangeError(`bad sysctl name: ${key}`)
  await netnsExec(namespace, ['sysctl', '-q', '-w', `${key}=${value}`])
}

/**
 * Creates (or reuses) the namespace a DHCP server runs in and prepares it: non-local bind on,
 * router advertisements ignored on new devices, loopback up (spec §3.8, §5 sysctls).
 */
export async function setupDhcpNamespace(namespace: string): Promise<void> {
  await ensureNamespace(namespace)
  await setNamespaceSysctl(namespace, 'net.ipv4.ip_nonlocal_bind', 1)
  await setNamespaceSysctl(namespace, 'net.ipv6.conf.default.accept_ra', 0)
  await execute(['ip', '-n', namespace, 'link', 'set', 'lo', 'up'])
}

/** Pids of the processes running in `namespace` (`ip netns pids`); none when it does not exist. */
export async function namespacePids(namespace: string): Promise<number[]> {
  if (!(await namespaceExists(namespace))) return []
  const { stdout } = await execute(['ip', 'netns', 'pids', namespace])
  return stdout
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((pid) => Number.isSafeInteger(pid) && pid > 0)
}

/** SIGKILLs every process in `namespace`; returns their pids. */
export async function killNamespaceProcesses(namespace: string): Promise<number[]> {
  const pids = await namespacePids(namespace)
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error
    }
  }
  return pids
}
