import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { RequestContext } from '../../common/context.js'
import { HttpBadRequest, ResourceBadRequest } from '../../common/errors.js'
import { attributeFilter } from '../../common/policy/index.js'
import type { ListQuery } from '../../plugin/list-spec.js'
import { parseListQuery, selectFields, type RawQuery } from '../list-params.js'
import {
  prepareCreate,
  prepareUpdate,
  resolveProject,
  type AttributeMap,
} from '../schemas/attributes.js'

/** What a collection's routes need from the plugin. */
export interface CollectionService<T extends { id: string }> {
  create(context: RequestContext, items: Record<string, unknown>[]): Promise<T[]>
  get(context: RequestContext, id: string): Promise<T>
  list(context: RequestContext, query: ListQuery): Promise<T[]>
  update(
    context: RequestContext,
    id: string,
    changes: Record<string, unknown>,
    expectedRevision?: number,
  ): Promise<T>
  delete(context: RequestContext, id: string, expectedRevision?: number): Promise<void>
}

/** One REST collection: its names, attributes and service. */
export interface Collection<T extends { id: string }> {
  readonly singular: string
  readonly plural: string
  readonly attributes: AttributeMap
  readonly service: CollectionService<T>
}

/** Reads `If-Match: revision_number=N` (bare or quoted); other etags are ignored, as in Neutron. */
function expectedRevision(request: FastifyRequest): number | undefined {
  const header = request.headers['if-match'] as unknown
  const value = Array.isArray(header) ? (header[0] as unknown) : header
  if (typeof value !== 'string') return undefined
  const tags = value
    .split(',')
    .map((tag) => tag.trim().replace(/^"(.*)"$/, '$1'))
    .filter((tag) => tag.startsWith('revision_number='))
  if (tags.length > 1) {
    throw new ResourceBadRequest('if-match', 'Multiple revision_number etags are not supported.')
  }
  const text = tags[0]?.slice('revision_number='.length)
  if (text === undefined) return undefined
  if (!/^-?\d+$/.test(text)) {
    throw new ResourceBadRequest(
      'if-match',
      'Revision number etag must be in the format of revision_number=<int>',
    )
  }
  return Number(text)
}

function pageLinks(
  request: FastifyRequest,
  plural: string,
  items: readonly { id: string }[],
  query: ListQuery,
) {
  if (query.limit === undefined) return undefined
  const proto = (request.headers['x-forwarded-proto'] as string | undefined) ?? request.protocol
  const base = `${proto}://${request.headers.host ?? 'localhost'}/v2.0/${plural}`
  const link = (marker: string, reverse: boolean) => {
    const params = new URLSearchParams()
    for (const [key, value] of Object.entries(request.query as RawQuery)) {
      if (['marker', 'page_reverse'].includes(key) || value === undefined) continue
      for (const v of Array.isArray(value) ? value : [value]) params.append(key, v)
    }
    params.set('marker', marker)
    if (reverse) params.set('page_reverse', 'True')
    return `${base}?${params.toString()}`
  }
  const links: { rel: string; href: string }[] = []
  const first = items[0]
  const last = items[items.length - 1]
  const full = items.length >= query.limit
  if (last && (query.pageReverse ? query.marker !== undefined : full)) {
    // Pages come back in sort order either way, so "next" always continues after the last item.
    links.push({ rel: 'next', href: link(last.id, false) })
  }
  if (first && (query.pageReverse ? full : query.marker !== undefined)) {
    links.push({ rel: 'previous', href: link(first.id, true) })
  }
  return links
}

/** Drops the attributes the caller's `get_<resource>:<attribute>` rules hide (Neutron's after hook). */
function visibleAttributes<T extends object>(
  context: RequestContext,
  singular: string,
  items: readonly T[],
): T[] {
  const filter = attributeFilter(context, singular)
  return filter === undefined ? [...items] : items.map(filter)
}

/** Registers list, create, show, update and delete for a collection. */
export function registerCollection<T extends { id: string }>(
  app: FastifyInstance,
  collection: Collection<T>,
  contextOf: (request: FastifyRequest) => RequestContext,
): void {
  const { singular, plural, attributes, service } = collection
  const path = `/v2.0/${plural}`

  app.get(path, async (request) => {
    const query = parseListQuery(request.query as RawQuery)
    const context = contextOf(request)
    const items = await service.list(context, query)
    const shown = selectFields(visibleAttributes(context, singular, items), query.fields)
    const body: Record<string, unknown> = { [plural]: shown }
    const links = pageLinks(request, plural, items, query)
    if (links && links.length > 0) body[`${plural}_links`] = links
    return body
  })

  app.post(path, async (request, reply) => {
    const context = contextOf(request)
    const body = request.body as Record<string, unknown> | null
    if (typeof body !== 'object' || body === null)
      throw new HttpBadRequest('Resource body required')
    const bulk: unknown = body[plural]
    const items: unknown[] | undefined = Array.isArray(bulk)
      ? bulk.map((b: unknown) => (b as Record<string, unknown>)[singular] ?? b)
      : undefined
    if (items === undefined && !(singular in body)) {
      throw new HttpBadRequest(`Unable to find '${singular}' in request body`)
    }
    if (items !== undefined && items.length === 0) throw new HttpBadRequest('Resources required')
    const prepared = (items ?? [body[singular]]).map((item) => {
      const out = prepareCreate(attributes, item, context)
      resolveProject(out, context)
      return out
    })
    const created = visibleAttributes(context, singular, await service.create(context, prepared))
    reply.code(201)
    return items === undefined ? { [singular]: created[0] } : { [plural]: created }
  })

  app.get(`${path}/:id`, async (request) => {
    const { id } = request.params as { id: string }
    const fields = parseListQuery(request.query as RawQuery).fields
    const context = contextOf(request)
    const item = await service.get(context, id)
    return { [singular]: selectFields(visibleAttributes(context, singular, [item]), fields)[0] }
  })

  app.put(`${path}/:id`, async (request) => {
    const { id } = request.params as { id: string }
    const body = request.body as Record<string, unknown> | null
    if (typeof body !== 'object' || body === null || !(singular in body)) {
      throw new HttpBadRequest(`Unable to find '${singular}' in request body`)
    }
    const changes = prepareUpdate(attributes, body[singular])
    const context = contextOf(request)
    const item = await service.update(context, id, changes, expectedRevision(request))
    return { [singular]: visibleAttributes(context, singular, [item])[0] }
  })

  app.delete(`${path}/:id`, async (request, reply) => {
    const { id } = request.params as { id: string }
    await service.delete(contextOf(request), id, expectedRevision(request))
    return reply.code(204).send()
  })
}
