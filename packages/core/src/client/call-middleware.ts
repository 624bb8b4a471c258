import type { ChatCompletion, EmbeddingResponse } from '../types/chat.js'
import type { CompletionRequest, EmbeddingRequest } from '../types/request.js'

/**
 * What a call does: a completion, a streamed completion, or an embedding.
 * @example
 * if (call.operation === 'stream') call.observe({ onFirstChunk: () => markFirstToken() })
 */
export type CallOperation = 'chat' | 'stream' | 'embedding'

/**
 * Where a run of a call goes: provider, model and base URL (never its key or headers).
 * @example
 * const { provider, model, baseUrl }: CallRouteInfo = call.route
 */
export interface CallRouteInfo {
  readonly provider: string
  readonly model: string
  readonly baseUrl: string
}

/**
 * A route a middleware sends a run to, from settings the developer configured (never from the
 * request). Unset fields keep the call's own; a key is taken from the request or binding only
 * when provider and base URL stay the same, else from `providers[name]` or the environment.
 * @example
 * const fallback: CallRoute = { provider: 'azure', model: 'gpt-4o-eu', apiKey: process.env.AZURE_KEY }
 */
export interface CallRoute {
  provider?: string
  model?: string
  baseUrl?: string
  apiKey?: string
  headers?: Record<string, string>
}

/**
 * One HTTP attempt of a run: `run` counts `next()` calls from 1, `attempt` counts retries within it from 1.
 * @example
 * call.observe({ onAttemptStart: ({ run, attempt, route }: CallAttemptEvent) => log(run, attempt, route.provider) })
 */
export interface CallAttemptEvent {
  readonly run: number
  readonly attempt: number
  readonly route: CallRouteInfo
}

/**
 * An attempt's response head: rate-limit headers and `retry-after` are in `headers` (lower-cased).
 * @example
 * call.observe({ onAttemptResponse: ({ status, headers }: CallAttemptResponseEvent) => limits.update(status, headers) })
 */
export interface CallAttemptResponseEvent extends CallAttemptEvent {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
}

/**
 * An attempt that failed: the typed error (a ProviderError carries `status`), or a transport error.
 * @example
 * call.observe({ onAttemptError: ({ error }: CallAttemptErrorEvent) => breaker.failure(error) })
 */
export interface CallAttemptErrorEvent extends CallAttemptEvent {
  readonly error: unknown
}

/**
 * How a call ended: with its result (for streams the assembled completion), an error, or abandoned.
 * @example
 * call.observe({ onEnd: ({ result }: CallEndEvent) => tokens.correct(result?.usage) })
 */
export interface CallEndEvent {
  readonly result?: ChatCompletion | EmbeddingResponse
  readonly error?: unknown
  /** A stream its reader stopped reading before its end. */
  readonly abandoned?: boolean
}

/**
 * What a middleware may watch on a call. Callbacks run synchronously on the call's path: keep them
 * short and never throw (a throw is caught and ignored).
 * @example
 * call.observe({ onAttemptResponse: ({ headers }) => limiter.update(headers['x-ratelimit-remaining-requests']) })
 */
export interface CallObserver {
  onAttemptStart?(event: CallAttemptEvent): void
  onAttemptResponse?(event: CallAttemptResponseEvent): void
  onAttemptError?(event: CallAttemptErrorEvent): void
  /** A stream's first chunk, before the caller gets it. */
  onFirstChunk?(): void
  /** A stream's network read yielded `count` chunks. */
  onChunks?(count: number): void
  /** Once per call: a completion or embedding when it settles, a stream when it ends, fails or is abandoned. */
  onEnd?(event: CallEndEvent): void
}

/**
 * One call as a middleware sees it, before any I/O.
 * @example
 * const logCalls: CallMiddleware = (call, next) => {
 *   console.log(call.operation, call.model, call.requestId)
 *   return next()
 * }
 */
export interface LlmCall {
  readonly operation: CallOperation
  /** The model string as asked, e.g. `openai/gpt-4o`. */
  readonly model: string
  readonly request: Readonly<CompletionRequest> | Readonly<EmbeddingRequest>
  /** The call's own route, before any middleware changes it. */
  readonly route: CallRouteInfo
  /** The request id bound by a framework binding (`x-request-id`), if any. */
  readonly requestId: string | undefined
  readonly sessionId: string | undefined
  /** Aborts when the caller aborts or the call's total timeout ends: wait on it, never past it. */
  readonly signal: AbortSignal
  /** Milliseconds left before the call's total timeout. */
  remainingMs(): number
  observe(observer: CallObserver): void
}

/**
 * What a run resolved with: the route that answered, and for a completion or embedding its result.
 * A stream's run resolves when its response head arrived (status 2xx), before any chunk.
 * @example
 * const outcome: CallOutcome = await next()
 * console.log(outcome.route.provider)
 */
export interface CallOutcome {
  readonly route: CallRouteInfo
  readonly result: ChatCompletion | EmbeddingResponse | undefined
}

/**
 * Runs the rest of the chain once: optionally on another route. A stream runs again only before its first chunk.
 * @example
 * const outcome = await next({ provider: 'azure', model: 'gpt-4o-eu' })
 */
export type CallNext = (route?: CallRoute) => Promise<CallOutcome>

/**
 * A cross-cutting concern around every call of a client (telemetry, limits, routing, fallbacks),
 * composed like undici's interceptors around `dispatch`: the first in `ClientOptions.middleware`
 * is the outermost. Return `next()`'s outcome (or another run's).
 * @example
 * const fallback: CallMiddleware = async (call, next) => {
 *   try {
 *     return await next()
 *   } catch (error) {
 *     if (!(error instanceof RateLimitError)) throw error
 *     return next({ provider: 'azure', model: 'gpt-4o', apiKey: process.env.AZURE_OPENAI_API_KEY })
 *   }
 * }
 * const llm = createClient({ middleware: [fallback] })
 */
export type CallMiddleware = (call: LlmCall, next: CallNext) => Promise<CallOutcome>

/** The chain as the client runs it: the innermost step is the call itself. */
export type ComposedMiddleware = (call: LlmCall, inner: CallNext) => Promise<CallOutcome>

/**
 * Folds middleware into one function, once per client (not per call).
 * @example
 * const chain = composeCallMiddleware([telemetry, limits])
 */
export function composeCallMiddleware(middleware: readonly CallMiddleware[]): ComposedMiddleware {
  return (call, inner) => {
    const step = (index: number, route: CallRoute | undefined): Promise<CallOutcome> => {
      if (index === middleware.length) return inner(route)
      // A route chosen outside holds for the inner ones; what they choose is laid over it.
      return middleware[index]!(call, (next) =>
        step(index + 1, next === undefined ? route : route === undefined ? next : { ...route, ...next }),
      )
    }
    return step(0, undefined)
  }
}
