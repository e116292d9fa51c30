import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { NeutronError } from '../common/errors.js'
import { AuthenticationRequired } from './auth/identity.js'

/** The body every error has: Neutron's `{"NeutronError": {type, message, detail}}`. */
export function errorBody(type: string, message: string, detail = '') {
  return { NeutronError: { type, message, detail } }
}

const INTERNAL = 'Request Failed: internal server error while processing your request.'
const UNAUTHORIZED = 'The request you have made requires authentication.'

/** Maps errors from routes, parsers and the plugin to Neutron's status codes and bodies. */
export function sendError(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  if (error instanceof AuthenticationRequired) {
    request.log.debug({ request_id: request.id, reason: error.reason }, 'not authenticated')
    return reply
      .code(401)
      .header('www-authenticate', error.challenge)
      .send(errorBody('HTTPUnauthorized', UNAUTHORIZED))
  }
  if (error instanceof NeutronError) {
    return reply.code(error.status).send(errorBody(error.type, error.message, error.detail))
  }
  const fastifyError = error as Partial<FastifyError>
  const status = fastifyError.statusCode
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return reply.code(400).send(errorBody('HTTPBadRequest', 'Request body is too large.'))
  }
  if (status !== undefined && status >= 400 && status < 500) {
    const message =
      fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
        ? 'Unsupported Content-Type'
        : `Malformed request body: ${fastifyError.message ?? 'invalid JSON'}`
    return reply.code(400).send(errorBody('HTTPBadRequest', message))
  }
  request.log.error({ err: error, request_id: request.id }, 'request failed')
  return reply.code(500).send(errorBody('HTTPInternalServerError', INTERNAL))
}
