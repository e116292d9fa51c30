import { readFileSync } from 'node:fs'
import { ConfigError } from '../errors.js'
import { parseIni, type IniSections } from './ini.js'
import {
  checkValue,
  isSameSpec,
  parseOptionValue,
  sectionKey,
  type OptionGroup,
  type OptionSpec,
  type OptionValues,
  type ParseResult,
} from './options.js'

/** Loaded, checked and frozen configuration. */
export interface Config {
  /** `[section] key` for each file entry no declared option claims, in file order. */
  readonly unknown: readonly string[]
  /** The parsed, frozen values of one declared group. */
  group<G extends OptionGroup>(group: G): OptionValues<G>
}

/** What `loadConfig` reads: files in order (later win), then `overrides` (section → key → raw). */
export interface LoadConfigOptions {
  readonly files: readonly string[]
  readonly groups: readonly OptionGroup[]
  readonly overrides?: Readonly<Record<string, Readonly<Record<string, string>>>>
}

interface DeclaredSection {
  readonly name: string
  readonly options: Map<string, OptionSpec<unknown>>
}

/** Declared sections by `sectionKey`. */
type Declarations = Map<string, DeclaredSection>

interface OptionRef {
  readonly section: DeclaredSection
  readonly name: string
  readonly spec: OptionSpec<unknown>
}

/**
 * Reads the INI files in order, applies overrides, parses and checks every declared option and
 * interpolates `$name`/`${name}`/`${section.name}` (`$$` is a dollar). Throws ConfigError naming
 * the file or the option. Sections match as in oslo.config: DEFAULT exactly, others in any case.
 */
export function loadConfig(options: LoadConfigOptions): Config {
  const declared = declare(options.groups)
  const raw = new Map<string, Map<string, string>>()
  const unknown = new Set<string>()
  for (const file of options.files) {
    const sections = parseIni(readConfigFile(file), file)
    merge(raw, sections)
    for (const entry of unknownEntries(sections, declared)) unknown.add(entry)
  }
  applyOverrides(raw, declared, options.overrides ?? {})
  const values = resolveAll(declared, raw)
  return createConfig(declared, values, options.groups, [...unknown])
}

function declare(groups: readonly OptionGroup[]): Declarations {
  const declared: Declarations = new Map()
  for (const group of groups) {
    const key = sectionKey(group.section)
    const section = declared.get(key) ?? {
      name: group.section,
      options: new Map<string, OptionSpec<unknown>>(),
    }
    declared.set(key, section)
    for (const [name, spec] of Object.entries(group.options)) {
      const previous = section.options.get(name)
      if (previous && !isSameSpec(previous, spec)) {
        throw new ConfigError(
          `Option ${name} in section [${group.section}] is declared twice with different definitions`,
        )
      }
      section.options.set(name, spec)
    }
  }
  return declared
}

function readConfigFile(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new ConfigError(`Cannot read config file ${file}: ${reason}`, { cause: error })
  }
}

function merge(raw: Map<string, Map<string, string>>, sections: IniSections): void {
  for (const [name, entries] of sections) {
    const target = raw.get(sectionKey(name)) ?? new Map<string, string>()
    raw.set(sectionKey(name), target)
    for (const [key, value] of entries) target.set(key, value)
  }
}

function unknownEntries(sections: IniSections, declared: Declarations): string[] {
  return [...sections].flatMap(([name, entries]) => {
    const options = declared.get(sectionKey(name))?.options
    return [...entries.keys()].filter((key) => !options?.has(key)).map((key) => `[${name}] ${key}`)
  })
}

function applyOverrides(
  raw: Map<string, Map<string, string>>,
  declared: Declarations,
  overrides: Readonly<Record<string, Readonly<Record<string, string>>>>,
): void {
  for (const [section, entries] of Object.entries(overrides)) {
    const options = declared.get(sectionKey(section))?.options
    const target = raw.get(sectionKey(section)) ?? new Map<string, string>()
    raw.set(sectionKey(section), target)
    for (const [key, value] of Object.entries(entries)) {
      if (!options?.has(key)) {
        throw new ConfigError(`Cannot override undeclared option ${key} in section [${section}]`)
      }
      target.set(key, value)
    }
  }
}

/** Resolved values by `sectionKey`, then option name. */
type Values = Map<string, Map<string, unknown>>

function resolveAll(declared: Declarations, raw: Map<string, Map<string, string>>): Values {
  const values: Values = new Map()
  const activeRefs: OptionRef[] = []

  const lookUp = (name: string, from: OptionRef): string => {
    const target = findReferenced(name, from, declared)
    if (!target) {
      const reason = `$${name} names no option in [${from.section.name}] or [DEFAULT]`
      throw invalid(from, 'value', reason)
    }
    return stringify(resolve(target))
  }

  const resolve = (ref: OptionRef): unknown => {
    const key = sectionKey(ref.section.name)
    const sectionValues = values.get(key) ?? new Map<string, unknown>()
    values.set(key, sectionValues)
    if (sectionValues.has(ref.name)) return sectionValues.get(ref.name)
    if (activeRefs.some((r) => r.section === ref.section && r.name === ref.name)) {
      const reason = `interpolation loop through ${ref.name} in [${ref.section.name}]`
      throw invalid(activeRefs.at(-1) ?? ref, 'value', reason)
    }
    activeRefs.push(ref)
    const value = computeValue(ref, raw.get(key)?.get(ref.name), (text) =>
      interpolate(text, (name) => lookUp(name, ref)),
    )
    activeRefs.pop()
    sectionValues.set(ref.name, value)
    return value
  }

  for (const section of declared.values()) {
    for (const [name, spec] of section.options) resolve({ section, name, spec })
  }
  return values
}

function computeValue(
  ref: OptionRef,
  rawValue: string | undefined,
  substitute: (text: string) => string,
): unknown {
  if (rawValue !== undefined) {
    return unwrap(ref, 'value', parseOptionValue(ref.spec, substitute(rawValue)))
  }
  const value = ref.spec.default
  if (typeof value === 'string') {
    return unwrap(ref, 'default', parseOptionValue(ref.spec, substitute(value)))
  }
  if (Array.isArray(value)) return Object.freeze(value.map((item) => substitute(String(item))))
  return unwrap(ref, 'default', checkValue(ref.spec, value))
}

// Python's string.Template as oslo.config subclasses it: idpattern [_a-z][._a-z0-9]*, any case;
// a '$' that starts no placeholder stays as it is (oslo uses safe_substitute).
const PLACEHOLDER = /\$(?:(\$)|([_a-z][._a-z0-9]*)|\{([_a-z][._a-z0-9]*)\})/gi

/** Replaces each placeholder in `text` with `lookUp(name)`; `$$` and `\$` give a '$'. */
function interpolate(text: string, lookUp: (name: string) => string): string {
  // oslo.config treats a backslash before '$' like the template escape '$$'
  return text
    .replaceAll('\\$', () => '$$')
    .replace(PLACEHOLDER, (_match, escaped?: string, named?: string, braced?: string) =>
      escaped ? '$' : lookUp(named ?? braced ?? ''),
    )
}

/** `section.name` first, then `name` in the referring option's section, then in DEFAULT. */
function findReferenced(
  name: string,
  ref: OptionRef,
  declared: Declarations,
): OptionRef | undefined {
  const dot = name.indexOf('.')
  const candidates: [string, string][] = [
    ...(dot > 0 ? [[name.slice(0, dot), name.slice(dot + 1)] as [string, string]] : []),
    [ref.section.name, name],
    ['DEFAULT', name],
  ]
  for (const [sectionName, optionName] of candidates) {
    const section = declared.get(sectionKey(sectionName))
    const spec = section?.options.get(optionName)
    if (section && spec) return { section, name: optionName, spec }
  }
  return undefined
}

function stringify(value: unknown): string {
  if (Array.isArray(value)) return value.join(',')
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return '' // oslo.config substitutes '' for an option without a value
}

function unwrap(ref: OptionRef, what: 'value' | 'default', result: ParseResult): unknown {
  if (!result.ok) throw invalid(ref, what, result.reason)
  return result.value
}

function invalid(ref: OptionRef, what: 'value' | 'default', reason: string): ConfigError {
  const section = ref.section.name
  return new ConfigError(
    `Invalid ${what} for option ${ref.name} in section [${section}]: ${reason}`,
  )
}

function createConfig(
  declared: Declarations,
  values: Values,
  groups: readonly OptionGroup[],
  unknown: string[],
): Config {
  const byGroup = new Map(groups.map((group) => [group, groupValues(declared, values, group)]))
  return Object.freeze({
    unknown: Object.freeze(unknown),
    group<G extends OptionGroup>(group: G): OptionValues<G> {
      // The values were parsed from this group's specs, so they have the types it declares.
      return (byGroup.get(group) ?? groupValues(declared, values, group)) as OptionValues<G>
    },
  })
}

function groupValues(declared: Declarations, values: Values, group: OptionGroup): object {
  const key = sectionKey(group.section)
  const result: Record<string, unknown> = {}
  for (const [name, spec] of Object.entries(group.options)) {
    const loaded = declared.get(key)?.options.get(name)
    if (!loaded || !isSameSpec(loaded, spec)) {
      throw new ConfigError(`Option ${name} in section [${group.section}] was not loaded`)
    }
    result[name] = values.get(key)?.get(name)
  }
  return Object.freeze(result)
}
