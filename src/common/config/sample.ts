import {
  choiceValue,
  sectionKey,
  type OptionGroup,
  type OptionSpec,
  type OptionType,
} from './options.js'

/** One group in a sample file and the namespace it is listed under (`leasehold.agent`). */
export interface SampleEntry {
  readonly namespace: string
  readonly group: OptionGroup
}

interface SampleSection {
  readonly name: string
  /** Options by namespace, in declaration order. */
  readonly namespaces: Map<string, Map<string, OptionSpec<unknown>>>
}

const TYPE_NAMES: Record<OptionType, string> = {
  int: 'integer value',
  float: 'floating point value',
  bool: 'boolean value',
  str: 'string value',
  list: 'list value',
  port: 'port value',
  host: 'host address value',
}

const WRAP_WIDTH = 70

/**
 * Renders a sample INI file as oslo-config-generator does: [DEFAULT] first, other sections in
 * alphabetical order, namespaces alphabetical within a section, every option commented out.
 */
export function renderSample(entries: readonly SampleEntry[]): string {
  const sections = collectSections(entries)
  const defaults = sections.get('DEFAULT') ?? {
    name: 'DEFAULT',
    namespaces: new Map<string, Map<string, OptionSpec<unknown>>>(),
  }
  const others = [...sections.values()]
    .filter((section) => section !== defaults)
    .sort((a, b) => compare(a.name, b.name))
  return [defaults, ...others].map(renderSection).join('\n\n')
}

function collectSections(entries: readonly SampleEntry[]): Map<string, SampleSection> {
  const sections = new Map<string, SampleSection>()
  for (const { namespace, group } of entries) {
    const key = sectionKey(group.section)
    const section = sections.get(key) ?? {
      name: group.section,
      namespaces: new Map<string, Map<string, OptionSpec<unknown>>>(),
    }
    sections.set(key, section)
    const options = section.namespaces.get(namespace) ?? new Map<string, OptionSpec<unknown>>()
    section.namespaces.set(namespace, options)
    for (const [name, spec] of Object.entries(group.options)) options.set(name, spec)
  }
  return sections
}

function renderSection(section: SampleSection): string {
  const namespaces = [...section.namespaces].sort(([a], [b]) => compare(a, b))
  const blocks = namespaces.map(([namespace, options]) => {
    const rendered = [...options].map(([name, spec]) => `\n${renderOption(name, spec)}`)
    return `\n#\n# From ${namespace}\n#\n${rendered.join('')}`
  })
  return `[${section.name}]\n${blocks.join('')}`
}

function renderOption(name: string, spec: OptionSpec<unknown>): string {
  const typeName = TYPE_NAMES[spec.type]
  const lines = formatHelp(spec.help ? `${spec.help} (${typeName})` : `(${typeName})`)
  if (spec.min !== undefined) lines.push(`# Minimum value: ${formatNumber(spec, spec.min)}`)
  if (spec.max !== undefined) lines.push(`# Maximum value: ${formatNumber(spec, spec.max)}`)
  if (spec.choices && spec.choices.length > 0) {
    lines.push('# Possible values:')
    for (const choice of spec.choices) {
      const value = choiceValue(choice)
      const description =
        (typeof choice === 'string' ? '' : choice[1]) || '<No description provided>'
      lines.push(...formatHelp(`${value === '' ? "''" : value} - ${description}`))
    }
  }
  const text = formatDefault(spec)
  lines.push(`#${name} =${text ? ` ${text.replaceAll('\n', '\n#    ')}` : ''}`)
  return `${lines.join('\n')}\n`
}

function formatDefault(spec: OptionSpec<unknown>): string {
  const value = spec.default
  const text =
    value === null
      ? '<None>'
      : typeof value === 'number'
        ? formatNumber(spec, value)
        : Array.isArray(value)
          ? value.join(',')
          : typeof value === 'string' || typeof value === 'boolean'
            ? String(value)
            : ''
  // oslo-config-generator quotes a default with surrounding whitespace
  return text.trim() === text ? text : `"${text}"`
}

/** Python's str() of a float keeps a '.0'; the sample shows float options that way. */
function formatNumber(spec: OptionSpec<unknown>, value: number): string {
  return spec.type === 'float' && Number.isInteger(value) ? value.toFixed(1) : String(value)
}

/** Each line of `text` wrapped at 70 columns with '# ' in front; an empty line becomes '#'. */
function formatHelp(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/)
  if (lines.length > 1 && lines.at(-1) === '') lines.pop()
  return lines.map((line) => wrapLine(line).join('\n') || '#')
}

// Python textwrap's chunking: whitespace runs, and words split after a hyphen between letters.
const WS = '[\\t\\n\\v\\f\\r ]'
const NWS = '[^\\t\\n\\v\\f\\r ]'
const WP = `[\\w!"'&.,?]`
const LT = '[^\\d\\W]'
const CHUNK = new RegExp(
  `(${WS}+|(?<=${WP})-{2,}(?=\\w)|${NWS}+?(?:-(?:(?<=${LT}{2}-)|(?<=${LT}-${LT}-))(?=${LT}-?${LT})|(?=${WS}|$)|(?<=${WP})(?=-{2,}\\w)))`,
)

/** textwrap.wrap(line, 70, initial_indent='# ', subsequent_indent='# ', break_long_words=False). */
function wrapLine(line: string): string[] {
  const chunks = line
    .split(CHUNK)
    .filter((chunk) => chunk !== '')
    .reverse()
  const width = WRAP_WIDTH - 2
  const lines: string[] = []
  while (chunks.length > 0) {
    if (lines.length > 0 && isBlank(chunks.at(-1))) chunks.pop()
    const current: string[] = []
    let length = 0
    for (let next = chunks.at(-1); next !== undefined && length + next.length <= width;) {
      current.push(next)
      length += next.length
      chunks.pop()
      next = chunks.at(-1)
    }
    const long = chunks.at(-1)
    if (current.length === 0 && long !== undefined && long.length > width) {
      current.push(long)
      chunks.pop()
    }
    if (isBlank(current.at(-1))) current.pop()
    if (current.length > 0) lines.push(`# ${current.join('')}`)
  }
  return lines
}

function isBlank(chunk: string | undefined): boolean {
  return chunk !== undefined && chunk.trim() === ''
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
