import { randomUUID } from 'node:crypto'
import type { CloseSource, RequestBinding } from '../client/client-options.js'
import { bindRequestClient, createClient, type LlmClient } from '../client/create-client.js'
import { validateHeaders } from '../client/validate-request.js'
import { InvalidArgumentError } from '../errors/errors.js'
import { createSession, type LlmSession } from '../session/create-session.js'
import type { SessionLogger, SessionOptions } from '../session/session-options.js'
import { type BindingOptions, isSession, validateBindingOptions } from './validate-binding-options.js'

/** Who is binding: names the package in errors and gives the framework's logger. */
export interface BindingRuntimeSettings {
  /** The framework, as in the package name `@llm-session/<framework>`: `'express'`, `'fastify'`... */
  framework: string
  /** The framework's logger (Fastify's pino, Nest's Logger adapted), used where the options give none. */
  logger?: SessionLogger
}

/** What a request-scoped client carries: the caller's disconnect signal and the request id. */
export interface RequestClientOptions {
  /** Aborts the provider call, e.g. when the downstream caller disconnects. */
  signal?: AbortSignal
  /**
   * The downstream response (node:http's ServerResponse): a call is aborted when it closes before
   * it finished, as `signal: createResponseCloseSignal(response)` does, without an AbortController
   * per request.
   */
  response?: CloseSource
  /** Sent to the provider as `x-request-id`; a random UUID when absent. */
  requestId?: string
}

/** One app's session and client, who owns the session, and the app's shutdown step. */
export interface BindingRuntime {
  readonly session: LlmSession
  /** The app client, for code outside a request (jobs, start-up checks). */
  readonly client: LlmClient
  /** `true` when the binding created the session from options. */
  readonly ownsSession: boolean
  /** `true` when `close()` closes the session: owned, or borrowed with `closeSession: true`. */
  readonly closesSession: boolean
  /** A client for one inbound request, sharing the app session. */
  requestClient(options?: RequestClientOptions): LlmClient
  /** Closes the session if the binding should. Idempotent: every call returns the same promise. */
  close(): Promise<void>
}

/**
 * What every framework binding does with its options: validates them (an `InvalidArgumentError`
 * naming the field, unknown options included), creates the app's one session or borrows the one
 * given, builds the client, and remembers whether the app's shutdown closes the session.
 * @example
 * const runtime = createBindingRuntime(options, { framework: 'express' })
 * app.use((req, res, next) => {
 *   req.llm = runtime.requestClient({ signal: createResponseCloseSignal(res), requestId: req.get('x-request-id') })
 *   next()
 * })
 * server.once('close', () => void runtime.close())
 */
export function createBindingRuntime(
  options: BindingOptions | undefined,
  settings: BindingRuntimeSettings,
): BindingRuntime {
  const valid = validateBindingOptions(options, settings)
  const given = valid.session
  const ownsSession = !isSession(given)
  const session = isSession(given)
    ? given
    : createSession(withLogger((given ?? {}) as SessionOptions, settings.logger))
  const client = createClient({ ...withLogger(valid.client ?? {}, settings.logger), session })
  const closesSession = ownsSession || valid.closeSession === true
  let closing: Promise<void> | undefined
  return {
    session,
    client,
    ownsSession,
    closesSession,
    requestClient({ signal, response, requestId } = {}) {
      if (signal !== undefined && !(signal instanceof AbortSignal))
        throw new InvalidArgumentError('signal must be an AbortSignal', { field: 'signal' })
      const headers = {
        'x-request-id': requestId === undefined || requestId === '' ? randomUUID() : requestId,
      }
      // The id comes from the caller's header: checked as with() checks headers.
      validateHeaders(headers, 'headers')
      const options: RequestBinding = { headers }
      if (signal !== undefined) options.signal = signal
      if (response !== undefined) options.closeOn = response
      return bindRequestClient(client, options)
    },
    close() {
      closing ??= closesSession ? session.close() : Promise.resolve()
      return closing
    },
  }
}

function withLogger<T extends { logger?: unknown }>(options: T, logger: SessionLogger | undefined): T {
  if (logger === undefined || options.logger !== undefined) return options
  return { ...options, logger }
}
