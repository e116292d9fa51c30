import { createHash } from 'node:crypto'

/** RFC 4122 name space for DNS names (Python's `uuid.NAMESPACE_DNS`). */
export const NAMESPACE_DNS = '6ba7b810-9dad-11d1-80b4-00c04fd430c8'

function uuidBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '')
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new TypeError(`not a UUID: ${uuid}`)
  return Buffer.from(hex, 'hex')
}

/**
 * A name-based UUID, version 5 (RFC 4122 §4.3, SHA-1), as Python's `uuid.uuid5(namespace, name)`
 * computes it: the name is hashed as UTF-8 after the namespace's 16 bytes.
 */
export function uuid5(namespace: string, name: string): string {
  const digest = createHash('sha1')
    .update(uuidBytes(namespace))
    .update(Buffer.from(name, 'utf8'))
    .digest()
  const bytes = digest.subarray(0, 16)
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
