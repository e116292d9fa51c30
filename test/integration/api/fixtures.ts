import { afterAll, beforeAll, expect } from 'vitest'
import type { Engine } from '../../../src/db/dialect.js'
import { startTestApi, type ApiResponse, type TestApi } from '../../support/api-server.js'
import { useTestDatabase } from '../../support/databases.js'

/**
 * A migrated database and an API on a real port for one suite; the database is emptied
 * between tests. `useTestDatabase` registers its own beforeAll first, so the API starts after it.
 */
export function useTestApi(engine: Engine): () => TestApi {
  const db = useTestDatabase(engine)
  let api: TestApi | undefined
  beforeAll(async () => {
    api = await startTestApi(db())
  })
  afterAll(async () => {
    await api?.close()
  })
  return () => {
    if (!api) throw new Error('API not started')
    return api
  }
}

/** Headers of a non-admin member of `projectId` (noauth). */
export function asProject(projectId: string): Record<string, string> {
  return { 'X-Project-Id': projectId, 'X-Roles': 'member' }
}

/** Fails with the response body when the status is not the expected one. */
export function expectStatus(response: ApiResponse, status: number): void {
  expect(response.status, JSON.stringify(response.body)).toBe(status)
}

/** Checks a Neutron error answer: status, `NeutronError.type`, and (optionally) the message. */
export function expectError(
  response: ApiResponse,
  status: number,
  type: string,
  message?: string | RegExp,
): void {
  expectStatus(response, status)
  expect(response.headers.get('content-type')).toMatch(/^application\/json/)
  expect(Object.keys(response.body as object)).toEqual(['NeutronError'])
  const error = (response.body as { NeutronError: Record<string, unknown> }).NeutronError
  expect(error.type).toBe(type)
  expect(typeof error.message).toBe('string')
  expect(error.detail).toBe('')
  if (typeof message === 'string') expect(error.message).toBe(message)
  else if (message) expect(error.message).toMatch(message)
}

async function create(
  api: TestApi,
  collection: 'networks' | 'subnets' | 'ports',
  item: Record<string, unknown>,
  headers?: Record<string, string>,
): Promise<any> {
  const singular = collection.slice(0, -1)
  const response = await api.request('POST', `/v2.0/${collection}`, { [singular]: item }, headers)
  expectStatus(response, 201)
  return response.body[singular]
}

/** Creates a network (admin unless headers say otherwise) and returns it. */
export function aNetwork(
  api: TestApi,
  overrides: Record<string, unknown> = {},
  headers?: Record<string, string>,
): Promise<any> {
  return create(api, 'networks', { name: 'net', ...overrides }, headers)
}

/** Creates an IPv4 subnet (198.18.0.0/24 unless overridden) and returns it. */
export function aSubnet(
  api: TestApi,
  networkId: string,
  overrides: Record<string, unknown> = {},
  headers?: Record<string, string>,
): Promise<any> {
  return create(
    api,
    'subnets',
    { network_id: networkId, ip_version: 4, cidr: '198.18.0.0/24', ...overrides },
    headers,
  )
}

/** Creates an IPv6 subnet (fd00:1::/64 unless overridden) and returns it. */
export function anIpv6Subnet(
  api: TestApi,
  networkId: string,
  overrides: Record<string, unknown> = {},
): Promise<any> {
  return create(api, 'subnets', {
    network_id: networkId,
    ip_version: 6,
    cidr: 'fd00:1::/64',
    ...overrides,
  })
}

/** Creates a port and returns it. */
export function aPort(
  api: TestApi,
  networkId: string,
  overrides: Record<string, unknown> = {},
  headers?: Record<string, string>,
): Promise<any> {
  return create(api, 'ports', { network_id: networkId, ...overrides }, headers)
}

/** A network with one IPv4 subnet, the usual starting point. */
export async function aNetworkWithSubnet(
  api: TestApi,
  subnetOverrides: Record<string, unknown> = {},
): Promise<{ network: any; subnet: any }> {
  const network = await aNetwork(api)
  const subnet = await aSubnet(api, network.id, subnetOverrides)
  return { network, subnet }
}

/** GETs a path and returns the body after checking for 200. */
export async function getOk(
  api: TestApi,
  path: string,
  headers?: Record<string, string>,
): Promise<any> {
  const response = await api.request('GET', path, undefined, headers)
  expectStatus(response, 200)
  return response.body
}

/** The IP addresses of a port, in its order. */
export function addressesOf(port: { fixed_ips: { ip_address: string }[] }): string[] {
  return port.fixed_ips.map((f) => f.ip_address)
}

/** ISO 8601 UTC with seconds, as Neutron shows timestamps. */
export const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/

/** A lower-case UUID. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
