import { adminContext, type RequestContext } from '../../common/context.js'
import { InvalidInput } from '../../common/errors.js'
import type { RpcArgs, RpcContext } from '../../rpc/types.js'

/** A JSON object, as RPC payloads carry them. */
export type JsonObject = Readonly<Record<string, unknown>>

/** Whether a value is a JSON object (not null, not an array). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A required string argument, or InvalidInput. */
export function stringArg(args: RpcArgs | JsonObject, name: string): string {
  const value = args[name]
  if (typeof value !== 'string') throw new InvalidInput(`${name} must be a string`)
  return value
}

/** An optional string argument (absent or null gives undefined), or InvalidInput. */
export function optionalStringArg(args: RpcArgs | JsonObject, name: string): string | undefined {
  const value = args[name]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw new InvalidInput(`${name} must be a string`)
  return value
}

/** An optional boolean argument, or InvalidInput. */
export function optionalBoolArg(args: RpcArgs | JsonObject, name: string): boolean | undefined {
  const value = args[name]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'boolean') throw new InvalidInput(`${name} must be a boolean`)
  return value
}

/** A required object argument, or InvalidInput. */
export function objectArg(args: RpcArgs | JsonObject, name: string): JsonObject {
  const value = args[name]
  if (!isObject(value)) throw new InvalidInput(`${name} must be an object`)
  return value
}

/** A list of strings argument, or InvalidInput. */
export function stringListArg(args: RpcArgs | JsonObject, name: string): string[] {
  const value = args[name]
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) {
    throw new InvalidInput(`${name} must be a list of strings`)
  }
  return value
}

/** The admin RequestContext RPC handlers act with, keeping the caller's request id. */
export function rpcRequestContext(context: RpcContext): RequestContext {
  const requestId = context['request_id']
  return adminContext(typeof requestId === 'string' ? requestId : undefined)
}
