/**
 * oslo.messaging's version rule (`_utils.version_is_compatible`, spec oslo-messaging-wire §5.1):
 * components compare as integers, majors must be equal, the requested minor may not exceed the
 * implemented one, and with equal minors the same holds for the third component.
 */

/** Parses "1.10" or "1.2.3" into integers; throws on a non-integer component. */
export function parseVersion(version: string): [number, number, number] {
  const parts = version.split('.')
  if (parts.length < 1 || parts.length > 3 || parts.some((p) => !/^\d+$/.test(p))) {
    throw new Error(`invalid RPC version "${version}"`)
  }
  const [major = 0, minor = 0, revision = 0] = parts.map(Number)
  return [major, minor, revision]
}

/** Whether an endpoint at `implemented` can serve a request for `requested`. */
export function isVersionCompatible(implemented: string | null, requested: string | null): boolean {
  if (implemented === null) return true
  if (requested === null) return false
  const [impMajor, impMinor, impRev] = parseVersion(implemented)
  const [reqMajor, reqMinor, reqRev] = parseVersion(requested)
  if (reqMajor !== impMajor) return false
  if (reqMinor > impMinor) return false
  if (reqMinor === impMinor && reqRev > impRev) return false
  return true
}
