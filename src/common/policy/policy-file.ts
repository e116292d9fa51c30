import { existsSync, readFileSync } from 'node:fs'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { ConfigError } from '../errors.js'
import { Policy } from './policy.js'

/** oslo.policy's default `policy_file`, which may be missing without error. */
export const DEFAULT_POLICY_FILE = 'policy.yaml'

/** Where to look for the policy file and how to read it. */
export interface PolicyFileOptions {
  /** `[oslo_policy] policy_file`. */
  readonly policyFile: string
  /** `[oslo_policy] enforce_new_defaults`. */
  readonly enforceNewDefaults: boolean
  /** The `--config-file` paths, in the order given. */
  readonly configFiles: readonly string[]
  /** The working directory (defaults to the process's). */
  readonly cwd?: string
}

/** The policy in force and the file its overrides came from, if any. */
export interface LoadedPolicy {
  readonly policy: Policy
  readonly file: string | undefined
}

/**
 * Finds the policy file: an absolute path as it is; a relative one next to each config file (the
 * last given first, as later config files win), then in the working directory.
 */
export function findPolicyFile(
  name: string,
  configFiles: readonly string[],
  cwd: string = process.cwd(),
): string | undefined {
  if (isAbsolute(name)) return existsSync(name) ? name : undefined
  const directories = [...configFiles].reverse().map((file) => dirname(resolve(cwd, file)))
  return [...directories, cwd].map((dir) => join(dir, name)).find((path) => existsSync(path))
}

/** Reads a policy file's rules: a YAML (or JSON) mapping of rule name to check string. */
export function readPolicyFile(file: string): Record<string, string> {
  let document: unknown
  try {
    document = parseYaml(readFileSync(file, 'utf8')) as unknown
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new ConfigError(`Cannot read policy file ${file}: ${reason}`, { cause: error })
  }
  if (document === null || document === undefined) return {}
  if (typeof document !== 'object' || Array.isArray(document)) {
    throw new ConfigError(`Policy file ${file} must map rule names to check strings`)
  }
  const rules: Record<string, string> = {}
  for (const [name, check] of Object.entries(document as Record<string, unknown>)) {
    if (typeof check !== 'string' && check !== null) {
      throw new ConfigError(`Policy file ${file}: rule '${name}' must be a string (quote it)`)
    }
    rules[name] = check ?? ''
  }
  return rules
}

/** Builds the policy from the defaults and `policy_file`; ConfigError names the file on failure. */
export function loadPolicy(options: PolicyFileOptions): LoadedPolicy {
  const file = findPolicyFile(options.policyFile, options.configFiles, options.cwd)
  if (file === undefined && options.policyFile !== DEFAULT_POLICY_FILE) {
    throw new ConfigError(
      `Invalid value for option policy_file in section [oslo_policy]: ${options.policyFile} was not found`,
    )
  }
  const overrides = file === undefined ? {} : readPolicyFile(file)
  try {
    return {
      policy: new Policy({ overrides, enforceNewDefaults: options.enforceNewDefaults }),
      file,
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new ConfigError(`Policy file ${file ?? '(defaults)'}: ${reason}`, { cause: error })
  }
}
