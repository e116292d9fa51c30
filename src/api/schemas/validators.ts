import { parseCidr } from '../../common/net/cidr.js'
import { canonicalIp } from '../../common/net/ip.js'
import { parseMac } from '../../common/net/mac.js'

/** A converter/validator: returns the converted value or throws a ValidationFailure with the reason. */
export type Check = (value: unknown) => unknown

/** Why a value was refused; the API turns it into `Invalid input for <attr>. Reason: <reason>`. */
export class ValidationFailure extends Error {}

/** A value a Neutron converter refuses; the API answers `InvalidInput`, as Neutron does. */
export class ConversionFailure extends ValidationFailure {}

function fail(reason: string): never {
  throw new ValidationFailure(reason)
}

function show(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value)
}

/** Whether text holds a control character (C0 such as NUL, newline, carriage return; DEL; C1). */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true
  }
  return false
}

/** A string of at most `max` characters; `oneLine` also refuses control characters. */
export function aString(
  max: number,
  options: { oneLine?: boolean; nonEmpty?: boolean } = {},
): Check {
  return (value) => {
    if (typeof value !== 'string') fail(`${show(value)} is not a valid string`)
    // No attribute may hold a NUL, and PostgreSQL cannot store one.
    if (value.includes('\u0000')) fail(`${show(value)} contains a NUL character`)
    if (value.length > max) fail(`'${value}' exceeds maximum length of ${max}`)
    if (options.nonEmpty && value.length === 0) fail(`'' Blank strings are not permitted`)
    if (options.oneLine && hasControlCharacter(value))
      fail(`${show(value)} contains a control character (newline, NUL, ...), which is not allowed`)
    return value
  }
}

/** Neutron's convert_to_boolean. */
export const aBoolean: Check = (value) => {
  if (typeof value === 'boolean') return value
  if (value === 0 || value === 1) return value === 1
  if (typeof value === 'string') {
    const v = value.toLowerCase()
    if (v === 'true' || v === '1') return true
    if (v === 'false' || v === '0') return false
  }
  throw new ConversionFailure(`${show(value)} cannot be converted to boolean`)
}

/** Neutron's convert_to_int, with an optional range. */
export function anInteger(min?: number, max?: number): Check {
  return (value) => {
    let n: number
    if (typeof value === 'number' && Number.isInteger(value)) n = value
    else if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) n = Number(value)
    else throw new ConversionFailure(`${show(value)} is not an integer`)
    if (min !== undefined && n < min) fail(`'${n}' is too small - must be at least '${min}'`)
    if (max !== undefined && n > max) fail(`'${n}' is too large - must be no larger than '${max}'`)
    return n
  }
}

/** One of fixed values (after an optional conversion). */
export function oneOf(values: readonly unknown[], convert?: Check): Check {
  return (value) => {
    const v = convert ? convert(value) : value
    if (!values.includes(v)) fail(`${show(value)} is not in ${JSON.stringify(values)}`)
    return v
  }
}

/** A value or null. */
export function orNull(check: Check): Check {
  return (value) => (value === null ? null : check(value))
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** A UUID. */
export const aUuid: Check = (value) => {
  if (typeof value !== 'string' || !UUID.test(value)) fail(`${show(value)} is not a valid UUID`)
  return value.toLowerCase()
}

/** An IP address, canonicalised. */
export const anIp: Check = (value) => {
  const ip = typeof value === 'string' ? canonicalIp(value) : undefined
  if (ip === undefined) fail(`${show(value)} is not a valid IP address`)
  return ip
}

/** A CIDR (host bits allowed; the plugin canonicalises). */
export const aCidr: Check = (value) => {
  if (typeof value !== 'string' || parseCidr(value) === undefined)
    fail(`${show(value)} is not a valid IP subnet`)
  return value
}

/** A MAC address, sanitised to lower-case colon form. */
export const aMac: Check = (value) => {
  const mac = typeof value === 'string' ? parseMac(value) : undefined
  if (mac === undefined) fail(`${show(value)} is not a valid MAC address`)
  return mac
}

/** A list whose items pass `item`; `unique` refuses duplicates (compared as JSON). */
export function aList(item: Check, options: { unique?: string } = {}): Check {
  return (value) => {
    if (!Array.isArray(value)) fail(`${show(value)} is not a list`)
    const out = value.map((v) => item(v))
    if (options.unique !== undefined) {
      const seen = new Set<string>()
      for (const v of out) {
        const key = JSON.stringify(v)
        if (seen.has(key)) fail(`Duplicate ${options.unique} ${show(v)}`)
        seen.add(key)
      }
    }
    return out
  }
}

/** A dict with exactly the given keys allowed; `required` ones must be present. */
export function aDict(fields: Record<string, Check>, required: readonly string[]): Check {
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      fail(`${show(value)} is not a dictionary`)
    const record = value as Record<string, unknown>
    const extra = Object.keys(record).filter((k) => !(k in fields))
    if (extra.length > 0) fail(`Unexpected keys supplied: ${extra.join(', ')}`)
    const missing = required.filter((k) => !(k in record))
    if (missing.length > 0)
      fail(
        `Validation of dictionary's keys failed. Expected keys: ${required.join(', ')} Provided keys: ${Object.keys(record).join(', ')}`,
      )
    const out: Record<string, unknown> = {}
    for (const [key, check] of Object.entries(fields)) {
      if (key in record) out[key] = check(record[key])
    }
    return out
  }
}
