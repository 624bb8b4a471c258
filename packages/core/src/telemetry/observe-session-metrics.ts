import type { BatchObservableResult, MeterProvider, Observable } from '@opentelemetry/api'
import { InvalidArgumentError } from '../errors/errors.js'
import type { LlmSession } from '../session/create-session.js'
import { sessionPoolStats } from '../session/session-pool-stats.js'
import { serverOf } from './gen-ai-attributes.js'
import { loadOpenTelemetry } from './load-opentelemetry.js'

/**
 * What `observeSessionMetrics()` returns: stop observing (idempotent).
 * @example
 * const metrics = observeSessionMetrics(session)
 * metrics.close()
 */
export interface SessionMetrics {
  close(): void
}

/**
 * Reports a session's pool as OTel observable instruments, read at each collection:
 * `http.client.open_connections` (state `active` / `idle`, per server), and
 * `llm_session.session.requests.queued`, `.requests.in_flight`, `.sockets.opened`,
 * `.tls.handshakes` and `.errors` (by `error.type`), all with `llm_session.session.id`.
 * Needs `@opentelemetry/api`; without a meter provider registered it records nothing.
 * @example
 * const session = createSession({ connections: 32 })
 * const metrics = observeSessionMetrics(session)
 * // at shutdown
 * metrics.close()
 * await session.close()
 */
export function observeSessionMetrics(
  session: LlmSession,
  options: { meterProvider?: MeterProvider } = {},
): SessionMetrics {
  const read = sessionPoolStats.get(session)
  if (read === undefined)
    throw new InvalidArgumentError('observeSessionMetrics() takes a session made by createSession()', {
      field: 'session',
    })
  const otel = loadOpenTelemetry()
  if (otel === null)
    throw new InvalidArgumentError('observeSessionMetrics() needs @opentelemetry/api installed', {
      field: 'session',
    })
  const meter = (options.meterProvider ?? otel.metrics.getMeterProvider()).getMeter('@llm-session/core')
  const gauge = (name: string, unit: string, description: string) =>
    meter.createObservableGauge(`llm_session.session.${name}`, { unit, description })
  const counter = (name: string, unit: string, description: string) =>
    meter.createObservableCounter(`llm_session.session.${name}`, { unit, description })
  const openConnections = meter.createObservableUpDownCounter('http.client.open_connections', {
    unit: '{connection}',
    description: 'Sockets the session holds open, by state.',
  })
  const queued = gauge('requests.queued', '{request}', 'Requests waiting for a socket.')
  const inFlight = gauge('requests.in_flight', '{request}', 'Requests dispatched and not yet ended.')
  const opened = counter('sockets.opened', '{socket}', 'Sockets opened since the session started.')
  const handshakes = counter('tls.handshakes', '{handshake}', 'TLS handshakes since the session started.')
  const errors = counter('errors', '{error}', 'Requests that ended in an error, by error.type.')
  const sessionId = { 'llm_session.session.id': session.id }
  const observe = (result: BatchObservableResult) => {
    const stats = read()
    for (const [origin, pool] of Object.entries(stats.origins)) {
      const server = serverOf(origin)
      const at =
        server === undefined
          ? sessionId
          : { ...sessionId, 'server.address': server.address, 'server.port': server.port }
      result.observe(openConnections, pool.busy, { ...at, 'http.connection.state': 'active' })
      result.observe(openConnections, pool.idle, { ...at, 'http.connection.state': 'idle' })
      result.observe(queued, pool.queued, at)
      result.observe(opened, pool.opened, at)
      if (origin.startsWith('https:')) result.observe(handshakes, pool.opened, at)
    }
    result.observe(inFlight, session.stats().inFlight, sessionId)
    for (const [type, count] of stats.errorsByType)
      result.observe(errors, count, { ...sessionId, 'error.type': type })
  }
  const observables: Observable[] = [openConnections, queued, inFlight, opened, handshakes, errors]
  meter.addBatchObservableCallback(observe, observables)
  let closed = false
  return {
    close() {
      if (closed) return
      closed = true
      meter.removeBatchObservableCallback(observe, observables)
    },
  }
}
