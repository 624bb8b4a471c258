import type { Dispatcher } from 'undici'
import type { UndiciModule } from './load-undici.js'
import { type SessionOptions, sessionDefaults } from './session-options.js'

/** Socket events of a transport, as the session counts and logs them. */
export interface SocketEvents {
  opened(origin: string): void
  closed(origin: string, error: Error | undefined): void
  /** A per-origin pool was made: its `stats` feed the session's pool metrics. */
  pool?(origin: string, pool: { readonly stats: unknown }): void
}

/**
 * Builds the dispatcher a session owns: an undici Agent, or for `proxy` a ProxyAgent or an
 * EnvHttpProxyAgent, all with the same pool options. Every per-origin pool is made by our factory
 * so that socket events are counted the same way behind a proxy as without one.
 */
export function createTransport(
  undici: UndiciModule,
  options: SessionOptions,
  sockets: SocketEvents,
): Dispatcher {
  const timeout = options.timeout ?? sessionDefaults.timeout
  const connectTimeout = options.connectTimeout ?? sessionDefaults.connectTimeout
  const tls = options.tls ?? {}
  const connect = {
    timeout: connectTimeout,
    ...(tls.ca !== undefined && { ca: tls.ca }),
    ...(tls.cert !== undefined && { cert: tls.cert }),
    ...(tls.key !== undefined && { key: tls.key }),
    ...(tls.servername !== undefined && { servername: tls.servername }),
    ...(tls.rejectUnauthorized === false && { rejectUnauthorized: false }),
  }
  const poolOptions = {
    connections: options.connections ?? sessionDefaults.connections,
    keepAliveTimeout: options.keepAliveTimeout ?? sessionDefaults.keepAliveTimeout,
    // undici's own 300 s defaults would cut a long LLM call short: follow the total timeout.
    headersTimeout: options.headersTimeout ?? timeout,
    bodyTimeout: options.bodyTimeout ?? timeout,
    allowH2: options.http2 === true,
  }
  const factory = (origin: string | URL, factoryOptions: object) => {
    const pool = new undici.Pool(origin, factoryOptions as ConstructorParameters<typeof undici.Pool>[1])
    pool.on('connect', (url) => sockets.opened(originOf(url)))
    pool.on('disconnect', (url, _targets, error) => sockets.closed(originOf(url), error))
    sockets.pool?.(originOf(origin), pool)
    return pool
  }

  let agent: Dispatcher
  if (options.proxy === 'env' || (typeof options.proxy === 'string' && options.proxy !== '')) {
    const proxyTls = {
      timeout: connectTimeout,
      ...(tls.ca !== undefined && { ca: tls.ca }),
      ...(tls.rejectUnauthorized === false && { rejectUnauthorized: false }),
    }
    const proxyOptions = { ...poolOptions, factory, connect, requestTls: connect, proxyTls }
    agent =
      options.proxy === 'env'
        ? new undici.EnvHttpProxyAgent(proxyOptions)
        : new undici.ProxyAgent({ ...proxyOptions, uri: options.proxy })
  } else {
    agent = new undici.Agent({ ...poolOptions, factory, connect })
  }
  if (options.dns !== undefined && options.dns !== false) {
    const dnsOptions = typeof options.dns === 'object' ? options.dns : {}
    agent = agent.compose(undici.interceptors.dns(dnsOptions))
  }
  return agent
}

function originOf(url: unknown): string {
  if (url instanceof URL) return url.origin
  return String(url)
}
