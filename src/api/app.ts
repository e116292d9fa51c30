import { randomUUID } from 'node:crypto'
import { parse as parseQueryString } from 'node:querystring'
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
} from 'fastify'
import type { Logger } from 'pino'
import type { RequestContext } from '../common/context.js'
import { HttpBadRequest, ResourceNotFound } from '../common/errors.js'
import { DEFAULT_POLICY, type Policy } from '../common/policy/index.js'
import type { CorePlugin } from '../plugin/core-plugin.js'
import type { NetworkCreate, NetworkUpdate } from '../plugin/networks.js'
import type { PortCreate, PortUpdate } from '../plugin/ports.js'
import type { SubnetCreate, SubnetUpdate } from '../plugin/subnets.js'
import type { Authenticator } from './auth/identity.js'
import { noauthAuthenticator } from './auth/noauth.js'
import { requestContext } from './auth/request-context.js'
import { errorBody, sendError } from './faults.js'
import { registerAgentRoutes, type AgentRouteDeps } from './routes/agents.js'
import { registerCollection } from './routes/resources.js'
import { registerVersions } from './routes/versions.js'
import { networkAttributes } from './schemas/networks.js'
import { portAttributes } from './schemas/ports.js'
import { subnetAttributes } from './schemas/subnets.js'

/** What the API needs to run. */
export interface ApiOptions {
  readonly plugin: CorePlugin
  readonly log: Logger
  /** Largest accepted request body (bytes). */
  readonly maxRequestBodySize: number
  /** Finds the caller of each request (`auth_strategy`); noauth when absent. */
  readonly authenticator?: Authenticator
  /** The rules requests are judged by; Neutron's defaults when absent. */
  readonly policy?: Policy
  /** The agent and dhcp_agent_scheduler extensions' services; those routes exist only with them. */
  readonly agentRoutes?: AgentRouteDeps
}

/** `GET /` (version discovery) answers without authentication, as in Neutron. */
function isVersionDiscovery(request: FastifyRequest): boolean {
  return (
    (request.method === 'GET' || request.method === 'HEAD') && request.url.split('?')[0] === '/'
  )
}

/** Builds the Neutron v2.0 REST API as a Fastify app (not yet listening). */
export function createApi(options: ApiOptions): FastifyInstance {
  const logger: FastifyBaseLogger = options.log
  const app = Fastify({
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.maxRequestBodySize,
    genReqId: () => `req-${randomUUID()}`,
    // Router errors (bad percent-encoding, an over-long id) get Neutron's error body too.
    frameworkErrors: (error, request, reply) => {
      sendError(new HttpBadRequest(`Malformed request URL: ${error.message}`), request, reply)
    },
    routerOptions: {
      ignoreTrailingSlash: true,
      querystringParser: (text) => parseQueryString(text),
    },
  })
  app.addHook('onRequest', async (request) => {
    // No id, filter or marker holds a NUL, and PostgreSQL cannot even compare one.
    if (request.url.includes('%00')) {
      throw new HttpBadRequest('Malformed request URL: it holds a NUL character')
    }
  })
  const authenticator = options.authenticator ?? noauthAuthenticator
  const policy = options.policy ?? DEFAULT_POLICY
  const contexts = new WeakMap<FastifyRequest, RequestContext>()
  app.addHook('onRequest', async (request) => {
    if (isVersionDiscovery(request)) return
    const identity = await authenticator.authenticate(request)
    contexts.set(request, requestContext(identity, policy, request.id))
  })
  const contextOf = (request: FastifyRequest): RequestContext => {
    const context = contexts.get(request)
    if (context === undefined) throw new Error(`request ${request.id} has no context`)
    return context
  }
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-openstack-request-id', request.id)
  })
  app.addHook('onResponse', async (request, reply) => {
    request.log.debug(
      {
        request_id: request.id,
        method: request.method,
        url: request.url,
        status: reply.statusCode,
      },
      'request',
    )
  })
  app.setErrorHandler((error, request, reply) => sendError(error, request, reply))
  app.setNotFoundHandler((_request, reply) => {
    const error = new ResourceNotFound()
    return reply.code(404).send(errorBody(error.type, error.message))
  })
  registerVersions(app, { agents: options.agentRoutes !== undefined })
  const { plugin } = options
  registerCollection(
    app,
    {
      singular: 'network',
      plural: 'networks',
      attributes: networkAttributes,
      service: {
        create: (c, items) => plugin.networks.createBulk(c, items as unknown as NetworkCreate[]),
        get: (c, id) => plugin.networks.get(c, id),
        list: (c, q) => plugin.networks.list(c, q),
        update: (c, id, ch, rev) => plugin.networks.update(c, id, ch as NetworkUpdate, rev),
        delete: (c, id, rev) => plugin.networks.delete(c, id, rev),
      },
    },
    contextOf,
  )
  registerCollection(
    app,
    {
      singular: 'subnet',
      plural: 'subnets',
      attributes: subnetAttributes,
      service: {
        create: (c, items) => plugin.subnets.create(c, items as unknown as SubnetCreate[]),
        get: (c, id) => plugin.subnets.get(c, id),
        list: (c, q) => plugin.subnets.list(c, q),
        update: (c, id, ch, rev) => plugin.subnets.update(c, id, ch as SubnetUpdate, rev),
        delete: (c, id, rev) => plugin.subnets.delete(c, id, rev),
      },
    },
    contextOf,
  )
  registerCollection(
    app,
    {
      singular: 'port',
      plural: 'ports',
      attributes: portAttributes,
      service: {
        create: (c, items) => plugin.ports.create(c, items as unknown as PortCreate[]),
        get: (c, id) => plugin.ports.get(c, id),
        list: (c, q) => plugin.ports.list(c, q),
        update: (c, id, ch, rev) => plugin.ports.update(c, id, ch as PortUpdate, rev),
        delete: (c, id, rev) => plugin.ports.delete(c, id, rev),
      },
    },
    contextOf,
  )
  if (options.agentRoutes) registerAgentRoutes(app, options.agentRoutes, contextOf)
  return app
}
