import { ConfigError } from '../errors.js'

/** Parsed INI text: section name (as written) → key → raw value. */
export type IniSections = Map<string, Map<string, string>>

interface Assignment {
  readonly key: string
  readonly lines: string[]
  readonly lineNo: number
}

interface ParserState {
  readonly fileName: string
  readonly sections: IniSections
  section: Map<string, string> | undefined
  pending: Assignment | undefined
}

/**
 * Parses INI text the way oslo.config's iniparser does: `[section]` headers, `key = value` or
 * `key: value`, whole-line `#`/`;` comments, one pair of matching quotes stripped, indented
 * continuation lines joined with '\n', the last of repeated keys winning.
 */
export function parseIni(text: string, fileName: string): IniSections {
  const state: ParserState = {
    fileName,
    sections: new Map(),
    section: undefined,
    pending: undefined,
  }
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/)
  lines.forEach((line, index) => parseLine(state, line.trimEnd(), index + 1))
  flush(state)
  return state.sections
}

function parseLine(state: ParserState, line: string, lineNo: number): void {
  if (line === '') {
    // iniparser: a blank line ends a multi-line value
    flush(state)
    return
  }
  if (line.startsWith(' ') || line.startsWith('\t')) {
    if (!state.pending) throw parseError(state, lineNo, `unexpected continuation line '${line}'`)
    state.pending.lines.push(line.trimStart())
    return
  }
  flush(state)
  if (line.startsWith('[')) {
    startSection(state, line, lineNo)
  } else if (!line.startsWith('#') && !line.startsWith(';')) {
    state.pending = splitAssignment(state, line, lineNo)
  }
}

function startSection(state: ParserState, line: string, lineNo: number): void {
  if (!line.endsWith(']')) throw parseError(state, lineNo, `section header '${line}' lacks ']'`)
  if (line.length <= 2) throw parseError(state, lineNo, 'empty section name')
  const name = line.slice(1, -1)
  const section = state.sections.get(name) ?? new Map<string, string>()
  state.sections.set(name, section)
  state.section = section
}

function splitAssignment(state: ParserState, line: string, lineNo: number): Assignment {
  const colon = line.indexOf(':')
  const equal = line.indexOf('=')
  if (colon < 0 && equal < 0) {
    throw parseError(state, lineNo, `expected 'key = value' but found '${line}'`)
  }
  const at = colon < 0 || (equal >= 0 && equal < colon) ? equal : colon
  const key = line.slice(0, at).trim()
  if (key === '') throw parseError(state, lineNo, `empty key in '${line}'`)
  return { key, lines: [unquote(line.slice(at + 1).trim())], lineNo }
}

/** Strips one pair of matching quotes, as iniparser does (a lone quote becomes empty too). */
function unquote(value: string): string {
  const first = value[0]
  return (first === '"' || first === "'") && value.at(-1) === first ? value.slice(1, -1) : value
}

function flush(state: ParserState): void {
  const pending = state.pending
  if (!pending) return
  state.pending = undefined
  if (!state.section) {
    throw parseError(state, pending.lineNo, `'${pending.key}' is set before any [section] header`)
  }
  state.section.set(pending.key, pending.lines.join('\n'))
}

function parseError(state: ParserState, lineNo: number, reason: string): ConfigError {
  return new ConfigError(`Cannot parse config file ${state.fileName} at line ${lineNo}: ${reason}`)
}
