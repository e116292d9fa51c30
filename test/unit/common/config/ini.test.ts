import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../../../src/common/errors.js'
import { parseIni } from '../../../../src/common/config/index.js'

const parse = (text: string) => parseIni(text, '/etc/leasehold/test.conf')
const entries = (text: string, section = 'DEFAULT') =>
  Object.fromEntries(parse(text).get(section) ?? new Map<string, string>())

describe('parseIni', () => {
  it('reads keys of each section with "=" or ":" as separator', () => {
    const sections = parse('[DEFAULT]\na = 1\nb: 2\n[agent]\nc=3\n')
    expect(Object.fromEntries(sections.get('DEFAULT') ?? [])).toEqual({ a: '1', b: '2' })
    expect(Object.fromEntries(sections.get('agent') ?? [])).toEqual({ c: '3' })
  })

  it('splits at whichever of "=" and ":" comes first', () => {
    expect(entries('[DEFAULT]\nurl = http://host:80/x\nmap: a=b\n')).toEqual({
      url: 'http://host:80/x',
      map: 'a=b',
    })
  })

  it('skips whole-line "#" and ";" comments but keeps "#" inside a value', () => {
    const text = '# leading\n[DEFAULT]\n; semi\na = b # not a comment\n#c = d\n'
    expect(entries(text)).toEqual({ a: 'b # not a comment' })
  })

  it('strips one pair of matching quotes and keeps mismatched ones', () => {
    const text = `[DEFAULT]\na = "x y "\nb = ' z '\nc = "x'\nd = ""\ne = "a"b"`
    expect(entries(text)).toEqual({ a: 'x y ', b: ' z ', c: `"x'`, d: '', e: 'a"b' })
  })

  it('joins indented continuation lines with newlines until a blank line', () => {
    const text = '[DEFAULT]\na = one\n  two\n\tthree\n\nb = four\n'
    expect(entries(text)).toEqual({ a: 'one\ntwo\nthree', b: 'four' })
  })

  it('keeps an empty value empty', () => {
    expect(entries('[DEFAULT]\na =\n')).toEqual({ a: '' })
  })

  it('lets the last of repeated keys and reopened sections win', () => {
    expect(entries('[DEFAULT]\na = 1\n[x]\n[DEFAULT]\na = 2\n')).toEqual({ a: '2' })
  })

  it('keeps section names case-sensitive so [default] is not [DEFAULT]', () => {
    const sections = parse('[default]\na = 1\n')
    expect([...sections.keys()]).toEqual(['default'])
  })

  it('reads CRLF line endings and a byte order mark', () => {
    expect(entries('\uFEFF[DEFAULT]\r\na = 1\r\n')).toEqual({ a: '1' })
  })

  it.each([
    ['a = 1\n[DEFAULT]\n', 1, "'a' is set before any [section] header"],
    ['[DEFAULT]\n\n  orphan\n', 3, "unexpected continuation line '  orphan'"],
    ['[DEFAULT]\n# c\n  orphan\n', 3, 'unexpected continuation line'],
    ['[DEFAULT\n', 1, "section header '[DEFAULT' lacks ']'"],
    ['[DEFAULT]\n[]\n', 2, 'empty section name'],
    ['[DEFAULT]\na = 1\njust words\n', 3, "expected 'key = value' but found 'just words'"],
    ['[DEFAULT]\n= 1\n', 2, "empty key in '= 1'"],
  ])('rejects %j naming the file and line %i', (text, line, reason) => {
    expect(() => parse(text)).toThrow(ConfigError)
    expect(() => parse(text)).toThrow(
      `Cannot parse config file /etc/leasehold/test.conf at line ${line}: ${reason}`,
    )
  })
})
