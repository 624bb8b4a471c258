import { inspect } from 'node:util'
import type { Dispatcher } from 'undici'
import { SessionClosedError } from '../errors/errors.js'
import { createTransport, type SocketEvents } from './create-transport.js'
import { captureCreationSite, stopWatching, watchForLeak } from './leak-warning.js'
import { loadUndici } from './load-undici.js'
import { redactUrl } from './redact.js'
import { createRequestTracker } from './request-tracker.js'
import { createSessionDispatcher, rejectAtOnce, type SessionDispatcherControl } from './session-dispatcher.js'
import { createSessionLog, type SessionLog } from './session-log.js'
import { type SessionOptions, sessionDefaults } from './session-options.js'
import { type SessionPoolStats, sessionPoolStats } from './session-pool-stats.js'
import { copyOwnSessionOptions, validateSessionOptions } from './validate-session-options.js'

/**
 * Counters from real events: dispatches, handler callbacks and the pools' socket events.
 * @example
 * const { inFlight, socketsOpen } = session.stats()
 */
export interface SessionStats {
  /** Requests accepted since creation. */
  requests: number
  /** Requests dispatched and not yet ended. */
  inFlight: number
  /** Requests that ended in an error (transport error, timeout, abort). */
  errors: number
  /** Sockets opened since creation (TLS and proxy tunnels included). */
  socketsOpened: number
  /** Sockets open now. */
  socketsOpen: number
}

/**
 * One application's HTTP session: an undici Dispatcher that carries every byte of every provider
 * call, with pooling, keep-alive and clear ownership.
 * @example
 * const session: LlmSession = createSession({ connections: 32 })
 * await fetch(url, { dispatcher: session.dispatcher })
 * await session.close()
 */
export interface LlmSession extends AsyncDisposable {
  /** Stable id shown in logs, stats and errors. */
  readonly id: string
  readonly name: string | undefined
  /** The undici Dispatcher that carries every byte. Closing it closes the session. */
  readonly dispatcher: Dispatcher
  readonly closed: boolean
  stats(): SessionStats
  /** Graceful: new requests are refused, in-flight ones finish, then owned sockets close. Idempotent. */
  close(): Promise<void>
  /** Aborts in-flight requests with `reason` (a `SessionClosedError` by default). Idempotent. */
  destroy(reason?: Error): Promise<void>
}

// Node 20.19+ has Symbol.asyncDispose; the fallback is the symbol Node itself registers.
const asyncDispose: typeof Symbol.asyncDispose =
  Symbol.asyncDispose ?? (Symbol.for('nodejs.asyncDispose') as typeof Symbol.asyncDispose)

const sessionLogs = new WeakMap<LlmSession, SessionLog>()
let sequence = 0

/**
 * Creates a session. Create one per application at start-up and close it at shutdown.
 * Options are validated at once (`InvalidArgumentError` naming the option); nothing connects yet.
 * @example
 * await using session = createSession({ connections: 32, proxy: 'env' })
 * const { statusCode } = await session.dispatcher.request({ origin: 'https://api.openai.com', path: '/v1/models', method: 'GET' })
 */
export function createSession(options: SessionOptions = {}): LlmSession {
  return openSession(options, { watchLeak: true, caller: createSession })
}

/** Internal: `getDefaultSession()` opens its session without a leak watch. */
export function openSession(
  given: SessionOptions,
  internal: { watchLeak: boolean; caller: Function },
): LlmSession {
  const options = copyOwnSessionOptions(given)
  validateSessionOptions(options)
  const site = internal.watchLeak ? captureCreationSite(internal.caller) : undefined
  const undici = loadUndici()
  const id = `llm-session-${process.pid}-${++sequence}`
  const log = createSessionLog(options.logger)
  const base = options.name === undefined ? { session: id } : { session: id, name: options.name }

  const sockets = { opened: 0, closed: 0 }
  const pools = new Map<string, { pool: { readonly stats: unknown }; opened: number }>()
  const socketEvents: SocketEvents = {
    pool(origin, pool) {
      pools.set(origin, { pool, opened: pools.get(origin)?.opened ?? 0 })
    },
    opened(origin) {
      sockets.opened++
      const entry = pools.get(origin)
      if (entry !== undefined) entry.opened++
      log?.('debug', 'socket opened', {
        ...base,
        origin: redactUrl(origin),
        open: sockets.opened - sockets.closed,
      })
    },
    closed(origin, error) {
      sockets.closed++
      const fields = { ...base, origin: redactUrl(origin), open: sockets.opened - sockets.closed }
      log?.('debug', 'socket closed', error?.message ? { ...fields, reason: error.message } : fields)
    },
  }

  const borrowed = options.dispatcher
  const owned = borrowed === undefined || options.ownsDispatcher === true
  let transport: Dispatcher
  let detach = () => {}
  if (borrowed === undefined) {
    transport = createTransport(undici, options, socketEvents)
  } else {
    transport = borrowed
    detach = followSockets(borrowed, socketEvents)
    if (options.dns !== undefined && options.dns !== false)
      transport = compose(undici, transport, undici.interceptors.dns(options.dns === true ? {} : options.dns))
  }
  const tracker = createRequestTracker({
    timeout: options.timeout ?? sessionDefaults.timeout,
    // A borrowed dispatcher keeps its own timeouts unless these are given explicitly.
    headersTimeout: borrowed === undefined ? undefined : options.headersTimeout,
    bodyTimeout: borrowed === undefined ? undefined : options.bodyTimeout,
  })
  // Not through compose(): it would convert request()'s legacy handler to the new API and back.
  const dispatchTracked = tracker.interceptor(transport.dispatch.bind(transport))

  let closed = false
  let finished = false
  let closing: Promise<void> | undefined
  let destroying: Promise<void> | undefined

  const finish = (how: 'closed' | 'destroyed') => {
    if (finished) return
    finished = true
    detach()
    stopWatching(control)
    log?.('debug', `session ${how}`, { ...base, ...stats() })
  }
  const stats = (): SessionStats => ({
    requests: tracker.requests,
    inFlight: tracker.inFlight,
    errors: tracker.errors,
    socketsOpened: sockets.opened,
    socketsOpen: sockets.opened - sockets.closed,
  })

  const control: SessionDispatcherControl = {
    id,
    get closed() {
      return closed
    },
    dispatch(dispatchOptions, handler) {
      if (!closed) return dispatchTracked(dispatchOptions, handler)
      const label = options.name === undefined ? id : `${id} (${options.name})`
      return rejectAtOnce(
        handler,
        new SessionClosedError(`session ${label} is closed: it refuses new requests`, { sessionId: id }),
      )
    },
    close() {
      if (destroying !== undefined) return destroying
      closed = true
      closing ??= (async () => {
        log?.('debug', 'session closing', { ...base, inFlight: tracker.inFlight })
        await tracker.drained()
        if (destroying !== undefined) return destroying
        try {
          if (owned) await transport.close()
        } catch (error) {
          // destroy() overtook the graceful close: its outcome is the session's.
          if (destroying === undefined) throw error
          return destroying
        }
        finish('closed')
      })()
      return closing
    },
    destroy(reason) {
      if (destroying !== undefined) return destroying
      if (finished) return Promise.resolve()
      closed = true
      const error = reason ?? new SessionClosedError(`session ${id} was destroyed`, { sessionId: id })
      destroying = (async () => {
        tracker.abortAll(error)
        if (owned) await transport.destroy(error)
        finish('destroyed')
      })()
      return destroying
    },
  }

  const dispatcher = createSessionDispatcher(undici, control)
  const session = new Session(id, options.name, dispatcher, control, stats)
  sessionPoolStats.set(session, () => readPoolStats(pools, tracker.errorsByType))
  if (log !== undefined) sessionLogs.set(session, log)
  if (site !== undefined) watchForLeak(dispatcher, { id, ...site }, control)
  log?.('debug', 'session created', { ...base, ...describe(options) })
  // Node's own switch turns verification off for every connection, ours included: as loud as ours.
  const insecure =
    options.tls?.rejectUnauthorized === false
      ? 'tls.rejectUnauthorized: false'
      : process.env.NODE_TLS_REJECT_UNAUTHORIZED === '0'
        ? 'NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment'
        : undefined
  if (insecure !== undefined) {
    const message = `session ${id}: TLS certificate verification is off (${insecure})`
    if (log === undefined) process.emitWarning(message, { code: 'LLM_SESSION_TLS_INSECURE' })
    else log('warn', message, base)
  }
  return session
}

function readPoolStats(
  pools: ReadonlyMap<string, { pool: { readonly stats: unknown }; opened: number }>,
  errorsByType: ReadonlyMap<string, number>,
): SessionPoolStats {
  const origins: SessionPoolStats['origins'] = {}
  for (const [origin, { pool, opened }] of pools) {
    const { connected = 0, free = 0, queued = 0 } = pool.stats as Partial<Record<string, number>>
    origins[origin] = { open: connected, idle: free, busy: connected - free, queued, opened }
  }
  return { origins, errorsByType }
}

/** Internal: logs on a session's own log (the default session's "reused" line). */
export function logSessionEvent(session: LlmSession, message: string): void {
  sessionLogs.get(session)?.('debug', message, { session: session.id, ...sessionName(session) })
}

class Session implements LlmSession {
  readonly id: string
  readonly name: string | undefined
  readonly dispatcher: Dispatcher
  readonly #control: SessionDispatcherControl
  readonly #stats: () => SessionStats

  constructor(
    id: string,
    name: string | undefined,
    dispatcher: Dispatcher,
    control: SessionDispatcherControl,
    stats: () => SessionStats,
  ) {
    this.id = id
    this.name = name
    this.dispatcher = dispatcher
    this.#control = control
    this.#stats = stats
  }

  get closed(): boolean {
    return this.#control.closed
  }

  stats(): SessionStats {
    return this.#stats()
  }

  close(): Promise<void> {
    return this.#control.close()
  }

  destroy(reason?: Error): Promise<void> {
    return this.#control.destroy(reason)
  }

  [asyncDispose](): Promise<void> {
    return this.#control.close()
  }

  [inspect.custom](): string {
    return `LlmSession ${inspect({ id: this.id, name: this.name, closed: this.closed, ...this.stats() })}`
  }

  toJSON(): object {
    return { id: this.id, name: this.name, closed: this.closed, stats: this.stats() }
  }
}

function sessionName(session: LlmSession): { name?: string } {
  return session.name === undefined ? {} : { name: session.name }
}

function compose(
  undici: ReturnType<typeof loadUndici>,
  dispatcher: Dispatcher,
  interceptor: Dispatcher.DispatcherComposeInterceptor,
): Dispatcher {
  // Through the prototype so that a dispatcher from another undici copy composes too.
  return undici.Dispatcher.prototype.compose.call(dispatcher, interceptor)
}

/** Counts a borrowed dispatcher's sockets when it reports them (Agent, Pool, Client do). */
function followSockets(dispatcher: Dispatcher, events: SocketEvents): () => void {
  if (typeof dispatcher.on !== 'function' || typeof dispatcher.off !== 'function') return () => {}
  const onConnect = (origin: unknown) => events.opened(String(origin instanceof URL ? origin.origin : origin))
  const onDisconnect = (origin: unknown, _targets: unknown, error: Error) =>
    events.closed(String(origin instanceof URL ? origin.origin : origin), error)
  dispatcher.on('connect', onConnect)
  dispatcher.on('disconnect', onDisconnect)
  return () => {
    dispatcher.off('connect', onConnect)
    dispatcher.off('disconnect', onDisconnect)
  }
}

/** What the created line tells: settings only, proxy credentials removed. */
function describe(options: SessionOptions): Record<string, unknown> {
  return {
    dispatcher:
      options.dispatcher === undefined ? 'owned' : options.ownsDispatcher ? 'given, owned' : 'borrowed',
    connections:
      options.dispatcher === undefined ? (options.connections ?? sessionDefaults.connections) : undefined,
    timeout: options.timeout ?? sessionDefaults.timeout,
    proxy:
      typeof options.proxy === 'string' && options.proxy !== 'env' ? redactUrl(options.proxy) : options.proxy,
    tls: options.tls === undefined ? undefined : Object.keys(options.tls),
    http2: options.http2,
    dns: options.dns === undefined ? undefined : options.dns !== false,
  }
}
