import type { FastifyInstance, FastifyRequest } from 'fastify'
import { ExtensionNotFound } from '../../common/errors.js'

/** The API extensions Leasehold implements, as `GET /v2.0/extensions` lists them. */
export const EXTENSIONS = [
  {
    alias: 'extra_dhcp_opt',
    name: 'Neutron Extra DHCP options',
    description:
      'Extra options configuration for DHCP. For example PXE boot options to DHCP clients can be specified (e.g. tftp-server, server-ip-address, bootfile-name)',
  },
  {
    alias: 'binding',
    name: 'Port Binding',
    description: 'Expose port bindings of a virtual port to external application',
  },
  {
    alias: 'net-mtu',
    name: 'Network MTU',
    description: 'Provides MTU attribute for a network resource.',
  },
  {
    alias: 'net-mtu-writable',
    name: 'Network MTU (writable)',
    description: 'Provides a writable MTU attribute for a network resource.',
  },
  {
    alias: 'standard-attr-description',
    name: 'standard-attr-description',
    description: 'Extension to add descriptions to standard attributes',
  },
  {
    alias: 'standard-attr-revisions',
    name: 'Resource revision numbers',
    description: 'This extension will display the revision number of neutron resources.',
  },
  {
    alias: 'standard-attr-timestamp',
    name: 'Resource timestamps',
    description:
      'Adds created_at and updated_at fields to all Neutron resources that have Neutron standard attributes.',
  },
  {
    alias: 'revision-if-match',
    name: 'If-Match constraints based on revision_number',
    description: 'Extension indicating that If-Match based on revision_number is supported.',
  },
  {
    alias: 'pagination',
    name: 'Pagination support',
    description: 'Extension that indicates that pagination is enabled.',
  },
  {
    alias: 'sorting',
    name: 'Sorting support',
    description: 'Extension that indicates that sorting is enabled.',
  },
  {
    alias: 'filter-validation',
    name: 'Filter parameters validation',
    description: 'Provides validation on filter parameters.',
  },
].map((e) => ({ ...e, updated: '2026-01-01T00:00:00-00:00', links: [] }))

/** The extensions served only when the API has the agent services (spec §1.6, §1.7). */
const AGENT_EXTENSIONS = [
  {
    alias: 'agent',
    name: 'agent',
    description: 'The agent management extension.',
  },
  {
    alias: 'dhcp_agent_scheduler',
    name: 'DHCP Agent Scheduler',
    description: 'Schedule networks among dhcp agents',
  },
].map((e) => ({ ...e, updated: '2026-01-01T00:00:00-00:00', links: [] }))

function baseUrl(request: FastifyRequest): string {
  const proto = (request.headers['x-forwarded-proto'] as string | undefined) ?? request.protocol
  return `${proto}://${request.headers.host ?? 'localhost'}`
}

/** `GET /`, `GET /v2.0` and the extension list. */
export function registerVersions(app: FastifyInstance, options: { agents?: boolean } = {}): void {
  const extensions = options.agents === true ? [...EXTENSIONS, ...AGENT_EXTENSIONS] : EXTENSIONS
  app.get('/', async (request) => ({
    versions: [
      {
        id: 'v2.0',
        status: 'CURRENT',
        links: [{ href: `${baseUrl(request)}/v2.0/`, rel: 'self' }],
      },
    ],
  }))
  const resources = async (request: FastifyRequest) => ({
    resources: ['network', 'subnet', 'port'].map((name) => ({
      name,
      collection: `${name}s`,
      links: [{ href: `${baseUrl(request)}/v2.0/${name}s`, rel: 'self' }],
    })),
  })
  app.get('/v2.0', resources)
  app.get('/v2.0/extensions', async () => ({ extensions }))
  app.get('/v2.0/extensions/:alias', async (request) => {
    const { alias } = request.params as { alias: string }
    const extension = extensions.find((e) => e.alias === alias)
    if (!extension) throw new ExtensionNotFound(alias)
    return { extension }
  })
}
