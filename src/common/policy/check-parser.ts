/**
 * oslo.policy's rule language, as far as Neutron's defaults need it: `@`, `!`, `rule:NAME`,
 * `role:NAME`, `field:RESOURCE:ATTR=VALUE` (or `=~REGEX`), `KIND:MATCH` against the caller's
 * credentials (`project_id:%(project_id)s`), `and`, `or`, `not` and parentheses. An empty rule
 * allows everything.
 */

/** A parsed check string. */
export type Check =
  | { readonly kind: 'true' }
  | { readonly kind: 'false' }
  | { readonly kind: 'and'; readonly checks: readonly Check[] }
  | { readonly kind: 'or'; readonly checks: readonly Check[] }
  | { readonly kind: 'not'; readonly check: Check }
  | { readonly kind: 'rule'; readonly name: string }
  | { readonly kind: 'role'; readonly match: string }
  | {
      readonly kind: 'field'
      readonly resource: string
      readonly field: string
      readonly value: string
      readonly regex: boolean
    }
  /** `KIND:MATCH`: the credential KIND (a literal when quoted) equals MATCH. */
  | { readonly kind: 'generic'; readonly credential: string; readonly match: string }

/** A check string that does not parse. */
export class PolicySyntaxError extends Error {
  constructor(
    readonly text: string,
    reason: string,
  ) {
    super(`cannot parse policy rule '${text}': ${reason}`)
    this.name = 'PolicySyntaxError'
  }
}

type Token =
  | { readonly type: '(' | ')' | 'and' | 'or' | 'not' }
  | { readonly type: 'check'; readonly check: Check }

/** Splits as oslo.policy's tokenizer does: on whitespace, peeling parentheses off each word. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    let rest = word
    while (rest.startsWith('(')) {
      tokens.push({ type: '(' })
      rest = rest.slice(1)
    }
    let trailing = 0
    while (rest.endsWith(')')) {
      trailing++
      rest = rest.slice(0, -1)
    }
    const lowered = rest.toLowerCase()
    if (lowered === 'and' || lowered === 'or' || lowered === 'not') tokens.push({ type: lowered })
    else if (rest !== '') tokens.push({ type: 'check', check: parseAtom(text, rest) })
    for (let i = 0; i < trailing; i++) tokens.push({ type: ')' })
  }
  return tokens
}

function parseAtom(text: string, atom: string): Check {
  if (atom === '@') return { kind: 'true' }
  if (atom === '!') return { kind: 'false' }
  const colon = atom.indexOf(':')
  if (colon <= 0) throw new PolicySyntaxError(text, `'${atom}' is not KIND:MATCH, '@' or '!'`)
  const kind = atom.slice(0, colon)
  const match = atom.slice(colon + 1)
  if (kind === 'rule') return { kind: 'rule', name: match }
  if (kind === 'role') return { kind: 'role', match }
  if (kind === 'field') return parseField(text, match)
  return { kind: 'generic', credential: kind, match }
}

/** Neutron's FieldCheck: `RESOURCE:ATTR=VALUE`, where a VALUE starting with `~` is a regex. */
function parseField(text: string, match: string): Check {
  const colon = match.indexOf(':')
  const equals = match.indexOf('=', colon + 1)
  if (colon <= 0 || equals <= colon + 1) {
    throw new PolicySyntaxError(text, `'field:${match}' is not field:RESOURCE:ATTR=VALUE`)
  }
  const value = match.slice(equals + 1)
  const regex = value.startsWith('~')
  if (regex) checkRegex(text, value.slice(1))
  return {
    kind: 'field',
    resource: match.slice(0, colon),
    field: match.slice(colon + 1, equals),
    value: regex ? value.slice(1) : value,
    regex,
  }
}

function checkRegex(text: string, pattern: string): void {
  try {
    new RegExp(pattern)
  } catch (error) {
    throw new PolicySyntaxError(text, error instanceof Error ? error.message : String(error))
  }
}

/** Parses a check string: `or` binds loosest, then `and`, then `not`, as in oslo.policy. */
export function parseCheck(text: string): Check {
  const tokens = tokenize(text)
  if (tokens.length === 0) return { kind: 'true' }
  let position = 0
  const peek = () => tokens[position]?.type
  const fail = (reason: string): never => {
    throw new PolicySyntaxError(text, reason)
  }

  const parseOr = (): Check => {
    const checks = [parseAnd()]
    while (peek() === 'or') {
      position++
      checks.push(parseAnd())
    }
    return checks.length === 1 ? (checks[0] as Check) : { kind: 'or', checks }
  }
  const parseAnd = (): Check => {
    const checks = [parseUnary()]
    while (peek() === 'and') {
      position++
      checks.push(parseUnary())
    }
    return checks.length === 1 ? (checks[0] as Check) : { kind: 'and', checks }
  }
  const parseUnary = (): Check => {
    const token = tokens[position++]
    if (token === undefined) return fail('it ends where a check was expected')
    switch (token.type) {
      case 'not':
        return { kind: 'not', check: parseUnary() }
      case '(': {
        const inner = parseOr()
        if (tokens[position++]?.type !== ')') fail("a '(' is not closed")
        return inner
      }
      case 'check':
        return token.check
      case ')':
      case 'and':
      case 'or':
        return fail(`'${token.type}' where a check was expected`)
    }
  }

  const check = parseOr()
  if (position < tokens.length) fail(`unexpected '${peek()}'`)
  return check
}

/** The names of the rules a check refers to with `rule:NAME`. */
export function referencedRules(check: Check): string[] {
  switch (check.kind) {
    case 'rule':
      return [check.name]
    case 'and':
    case 'or':
      return check.checks.flatMap(referencedRules)
    case 'not':
      return referencedRules(check.check)
    case 'true':
    case 'false':
    case 'role':
    case 'field':
    case 'generic':
      return []
  }
}
