import { isIP } from 'node:net'

/** The kinds of option value, after oslo.config's option classes (IntOpt, PortOpt, ...). */
export type OptionType = 'int' | 'float' | 'bool' | 'str' | 'list' | 'port' | 'host'

/** An allowed value of a `str` option, bare or as `[value, description]` for the sample file. */
export type Choice = string | readonly [value: string, description: string]

/** One declared option: type, default, help and constraints; `T` is the parsed value's type. */
export interface OptionSpec<T> {
  readonly type: OptionType
  readonly default: T
  readonly help: string
  readonly min?: number
  readonly max?: number
  readonly choices?: readonly Choice[]
  /** The value is a password or key: callers must not log it. */
  readonly secret?: boolean
}

/** The options of one group, by their Neutron names. */
export type OptionSpecs = Readonly<Record<string, OptionSpec<unknown>>>

/** Options that live in one INI section; several groups may share a section. */
export interface OptionGroup<S extends OptionSpecs = OptionSpecs> {
  readonly section: string
  readonly options: S
}

/** The parsed values of a group: `OptionValues<typeof agentOptions>`. */
export type OptionValues<G extends OptionGroup> = {
  readonly [K in keyof G['options']]: G['options'][K] extends OptionSpec<infer T> ? T : never
}

/** The outcome of parsing one raw value; `reason` reads after "Invalid value for option X: ". */
export type ParseResult =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string }

interface NumberOptions {
  readonly default: number
  readonly min?: number
  readonly max?: number
  readonly help: string
}

interface StrOptions {
  readonly choices?: readonly Choice[]
  readonly help: string
  readonly secret?: boolean
}

/** Declares options in `section`; duplicates across groups are checked by `loadConfig`. */
export function defineOptions<S extends OptionSpecs>(section: string, options: S): OptionGroup<S> {
  return Object.freeze({ section, options: Object.freeze(options) })
}

/** An integer option (IntOpt), decimal in the file; `min` and `max` are inclusive. */
export function int(options: NumberOptions): OptionSpec<number> {
  return Object.freeze({ type: 'int', ...options })
}

/** A floating point option (FloatOpt); `min` and `max` are inclusive. */
export function float(options: NumberOptions): OptionSpec<number> {
  return Object.freeze({ type: 'float', ...options })
}

/** A boolean option (BoolOpt): true/false, yes/no, on/off, 1/0 in any case. */
export function bool(options: {
  readonly default: boolean
  readonly help: string
}): OptionSpec<boolean> {
  return Object.freeze({ type: 'bool', ...options })
}

/** A string option (StrOpt), optionally limited to `choices`; `$name` in it is interpolated. */
export function str(options: StrOptions & { readonly default: string }): OptionSpec<string>
export function str(
  options: StrOptions & { readonly default: string | null },
): OptionSpec<string | null>
export function str(
  options: StrOptions & { readonly default: string | null },
): OptionSpec<string | null> {
  return Object.freeze({ type: 'str', ...options })
}

/** A list option (ListOpt): comma-separated in the file, items trimmed, empty items dropped. */
export function list(options: {
  readonly default: readonly string[]
  readonly help: string
}): OptionSpec<readonly string[]> {
  return Object.freeze({ type: 'list', ...options, default: Object.freeze([...options.default]) })
}

/** A TCP/UDP port option (PortOpt): an integer from 0 to 65535. */
export function port(options: {
  readonly default: number
  readonly help: string
}): OptionSpec<number> {
  return Object.freeze({ type: 'port', ...options, min: 0, max: 65535 })
}

/** A host address option (HostAddressOpt): an IPv4 or IPv6 literal or a host name. */
export function hostAddress(options: {
  readonly default: string
  readonly help: string
}): OptionSpec<string>
export function hostAddress(options: {
  readonly default: string | null
  readonly help: string
}): OptionSpec<string | null>
export function hostAddress(options: {
  readonly default: string | null
  readonly help: string
}): OptionSpec<string | null> {
  return Object.freeze({ type: 'host', ...options })
}

/** Whether two declarations of one option name say the same thing. */
export function isSameSpec(a: OptionSpec<unknown>, b: OptionSpec<unknown>): boolean {
  const fields = (s: OptionSpec<unknown>): unknown[] => [
    s.type,
    s.default,
    s.help,
    s.min,
    s.max,
    s.choices,
    s.secret ?? false,
  ]
  return JSON.stringify(fields(a)) === JSON.stringify(fields(b))
}

/** The key a section is matched by: oslo.config folds every section name but DEFAULT to lower case. */
export function sectionKey(section: string): string {
  return section === 'DEFAULT' ? section : section.toLowerCase()
}

/** The value of a choice, without its description. */
export function choiceValue(choice: Choice): string {
  return typeof choice === 'string' ? choice : choice[0]
}

/** Parses a raw (already interpolated) value as `spec` says, checking ranges and choices. */
export function parseOptionValue(spec: OptionSpec<unknown>, text: string): ParseResult {
  switch (spec.type) {
    case 'int':
    case 'port':
      return /^[+-]?\d+$/.test(text.trim())
        ? checkValue(spec, Number(text.trim()))
        : fail(`${quote(text)} is not an integer`)
    case 'float':
      return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text.trim())
        ? checkValue(spec, Number(text.trim()))
        : fail(`${quote(text)} is not a floating point number`)
    case 'bool':
      return parseBoolean(text)
    case 'str':
      return checkValue(spec, text)
    case 'list':
      return ok(Object.freeze(text.split(',').flatMap((item) => item.trim() || [])))
    case 'host':
      return checkValue(spec, text.trim())
  }
}

/** Checks an already typed value (a parsed value or a default) against `spec`'s constraints. */
export function checkValue(spec: OptionSpec<unknown>, value: unknown): ParseResult {
  if (typeof value === 'number') return checkNumber(spec, value)
  if (typeof value !== 'string') return ok(value)
  if (spec.type === 'host' && !isHostAddress(value)) {
    return fail(`${quote(value)} is not a valid IP address or host name`)
  }
  const allowed = spec.choices?.map(choiceValue)
  if (allowed && !allowed.includes(value)) {
    return fail(`${quote(value)} is not one of ${allowed.map(quote).join(', ')}`)
  }
  return ok(value)
}

function checkNumber(spec: OptionSpec<unknown>, value: number): ParseResult {
  if (spec.type !== 'float' && !Number.isSafeInteger(value)) {
    return fail(`${value} is out of the integer range`)
  }
  if (!Number.isFinite(value)) return fail(`${value} is not a finite number`)
  if (spec.min !== undefined && value < spec.min) {
    return fail(`${value} is less than the minimum ${spec.min}`)
  }
  if (spec.max !== undefined && value > spec.max) {
    return fail(`${value} is greater than the maximum ${spec.max}`)
  }
  return ok(value)
}

const TRUE_WORDS = ['true', 'yes', 'on', '1']
const FALSE_WORDS = ['false', 'no', 'off', '0']

function parseBoolean(text: string): ParseResult {
  const word = text.trim().toLowerCase()
  if (TRUE_WORDS.includes(word)) return ok(true)
  if (FALSE_WORDS.includes(word)) return ok(false)
  return fail(`${quote(text)} is not a boolean (true/false, yes/no, on/off or 1/0)`)
}

const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i

/** An IP literal, or an RFC 1123 host name whose last label is not all digits (as oslo checks). */
function isHostAddress(text: string): boolean {
  if (isIP(text) !== 0) return true
  const name = text.endsWith('.') ? text.slice(0, -1) : text
  const labels = name.split('.')
  return (
    name.length > 0 &&
    name.length <= 253 &&
    labels.every((label) => HOST_LABEL.test(label)) &&
    !/^\d+$/.test(labels.at(-1) ?? '')
  )
}

function ok(value: unknown): ParseResult {
  return { ok: true, value }
}

function fail(reason: string): ParseResult {
  return { ok: false, reason }
}

function quote(text: string): string {
  return `'${text}'`
}
