import pino, { type Logger } from 'pino'

/** The root logger: JSON lines on stdout, passwords in URLs and auth headers redacted. */
export function createRootLogger(options: { debug: boolean }): Logger {
  return pino({
    level: options.debug ? 'debug' : 'info',
    base: { service: 'leasehold' },
    redact: ['req.headers["x-auth-token"]', 'req.headers.authorization', 'password', '*.password'],
  })
}
