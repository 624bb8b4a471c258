import type { Dispatcher } from 'undici'

/** A pino-style logger. Any object with these four methods works (pino, console, Fastify's, Nest's adapter). */
export interface SessionLogger {
  debug(object: unknown, message?: string): void
  info(object: unknown, message?: string): void
  warn(object: unknown, message?: string): void
  error(object: unknown, message?: string): void
}

export interface SessionTlsOptions {
  /** Extra CA certificates to trust (PEM). */
  ca?: string | Buffer | Array<string | Buffer>
  cert?: string | Buffer
  key?: string | Buffer
  servername?: string
  /** `false` turns certificate verification off. Must be explicit; logs a warning. */
  rejectUnauthorized?: boolean
}

export interface SessionOptions {
  /** A name shown in logs and stats beside the id. */
  name?: string
  /** Sockets per origin. */
  connections?: number
  keepAliveTimeout?: number
  connectTimeout?: number
  headersTimeout?: number
  bodyTimeout?: number
  /** Total milliseconds per request. */
  timeout?: number
  tls?: SessionTlsOptions
  /** `'env'` for HTTP(S)_PROXY/NO_PROXY, a proxy URL, or `false` (the default) for none. */
  proxy?: 'env' | string | false
  /** Cache DNS answers (undici's dns interceptor). */
  dns?: boolean | { maxTTL?: number }
  /** Opt in to HTTP/2 where the server offers it. */
  http2?: boolean
  /** Bring your own dispatcher. The session borrows it and leaves it open unless `ownsDispatcher` is true. */
  dispatcher?: Dispatcher
  ownsDispatcher?: boolean
  logger?: SessionLogger
}
