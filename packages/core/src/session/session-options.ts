import type { Dispatcher } from 'undici'

/**
 * A pino-style logger. Any object with these four methods works (pino, console, Fastify's, Nest's adapter).
 * @example
 * createSession({ logger: pino() })
 */
export interface SessionLogger {
  debug(object: unknown, message?: string): void
  info(object: unknown, message?: string): void
  warn(object: unknown, message?: string): void
  error(object: unknown, message?: string): void
}

/**
 * TLS settings of the session's own Agent.
 * @example
 * createSession({ tls: { ca: readFileSync('corp-ca.pem', 'utf8') } })
 */
export interface SessionTlsOptions {
  /** Extra CA certificates to trust (PEM). Replaces Node's bundled roots for this session, as in `tls.connect`. */
  ca?: string | Buffer | Array<string | Buffer>
  /** Client certificate (PEM) for mutual TLS. */
  cert?: string | Buffer
  /** Client private key (PEM) for mutual TLS. */
  key?: string | Buffer
  /** The name checked against the server certificate and sent as SNI. */
  servername?: string
  /** `false` turns certificate verification off. Must be explicit; logs a warning. */
  rejectUnauthorized?: boolean
}

/**
 * Options of `createSession()`, checked when it is called.
 * @example
 * const options: SessionOptions = { connections: 32, proxy: 'env', timeout: 300_000 }
 * const session = createSession(options)
 */
export interface SessionOptions {
  /** A name shown in logs and stats beside the id. */
  name?: string
  /** Sockets per origin. Default 64. */
  connections?: number
  /** Milliseconds an idle keep-alive socket stays open (a server's `Keep-Alive: timeout` hint wins). Default 4000. */
  keepAliveTimeout?: number
  /** Milliseconds to open a socket, TLS included. Default 10000. */
  connectTimeout?: number
  /** Milliseconds until the response headers arrive. Default: `timeout`. 0 disables. */
  headersTimeout?: number
  /** Milliseconds allowed between two body chunks. Default: `timeout`. 0 disables. */
  bodyTimeout?: number
  /** Total milliseconds per request, from dispatch to the last byte. Default 600000 (10 minutes). 0 disables. */
  timeout?: number
  tls?: SessionTlsOptions
  /** `'env'` for HTTP(S)_PROXY/NO_PROXY, a proxy URL, or `false` (the default) for none. */
  proxy?: 'env' | string | false
  /** Cache DNS answers (undici's dns interceptor). `maxTTL` in milliseconds. Default off. */
  dns?: boolean | { maxTTL?: number }
  /** Opt in to HTTP/2 where the server offers it (ALPN). Default false. */
  http2?: boolean
  /** Bring your own dispatcher. The session borrows it and leaves it open unless `ownsDispatcher` is true. */
  dispatcher?: Dispatcher
  /** The session closes the given `dispatcher` when it closes. Default false. */
  ownsDispatcher?: boolean
  /** Where session events go. Default: stderr when `LLM_SESSION_LOG=debug` (or info, warn, error), else nowhere. */
  logger?: SessionLogger
}

/** Defaults, chosen for LLM traffic (see the package README for why). */
export const sessionDefaults = {
  connections: 64,
  keepAliveTimeout: 4_000,
  connectTimeout: 10_000,
  timeout: 600_000,
} as const
