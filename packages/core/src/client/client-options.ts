import type { Dispatcher } from 'undici'
import type { ModelGroups, RoutingOptions } from '../fleet/deployment-options.js'
import type { BedrockProviderSettings } from '../providers/bedrock/bedrock-endpoint.js'
import type { LlmSession } from '../session/create-session.js'
import type { SessionLogger, SessionOptions } from '../session/session-options.js'
import type { TelemetryOptions } from '../telemetry/create-telemetry.js'
import type { SessionLike } from '../types/request.js'
import type { CallMiddleware } from './call-middleware.js'

/**
 * One provider's section of the client config.
 * @example
 * const openai: ProviderSettings = { apiKey: process.env.OPENAI_API_KEY, headers: { 'openai-project': 'proj_1' } }
 */
export interface ProviderSettings {
  apiKey?: string
  baseUrl?: string
  headers?: Record<string, string>
  /** Provider-specific settings, e.g. Azure `apiVersion`. */
  [setting: string]: unknown
}

/**
 * `providers.azure`: the common settings plus the API version that selects the URL style.
 * @example
 * createClient({ providers: { azure: { baseUrl: 'https://res.openai.azure.com', apiVersion: '2024-10-21' } } })
 */
export interface AzureProviderSettings extends ProviderSettings {
  /** Use `/openai/deployments/{name}/…?api-version=`. Without it, the `/openai/v1/` API. */
  apiVersion?: string
}

/**
 * `ClientOptions.providers`: settings per model-string prefix (`openai`, `azure`, `groq`, `vertex`…).
 * @example
 * const providers: ClientProviderSettings = { openai: { apiKey }, vertex: { project: 'my-project', location: 'europe-west4' } }
 */
export interface ClientProviderSettings {
  openai?: ProviderSettings
  azure?: AzureProviderSettings
  bedrock?: BedrockProviderSettings & ProviderSettings
  [provider: string]: ProviderSettings | undefined
}

/**
 * Options of `createClient()`, checked when it is called.
 * @example
 * const options: ClientOptions = { session, retries: 3, timeout: 120_000, providers: { openai: { apiKey } } }
 */
export interface ClientOptions {
  /**
   * A session or any undici Dispatcher to borrow (left open by `close()`), or options for a session
   * the client owns and closes. Default: the process default session.
   */
  session?: LlmSession | Dispatcher | SessionOptions
  /**
   * Settings per provider. Naming providers here (or in `allowedProviders`) makes them the only
   * ones the client routes to: a request for another provider is refused before any I/O, so it
   * can never pick up that provider's key from the environment. Without either, every provider is
   * enabled (scripts reading env keys).
   */
  providers?: ClientProviderSettings
  /** More providers the client may route to, with keys from the environment or the call. */
  allowedProviders?: string[]
  /**
   * URL prefixes (an origin alone allows every path) a call's own `baseUrl` may point to while the
   * client's key and headers go with it. The configured base URL's origin is always allowed. Any
   * other per-call `baseUrl` is refused unless the call gives its own `apiKey` (then the client's
   * credential headers are not sent). Default: none.
   */
  allowedBaseUrls?: string[]
  /** Retries after the first attempt. Default 2. */
  retries?: number
  /**
   * Total milliseconds per call, retries and waits included. Default 600 000 (10 minutes). For a
   * stream it runs until the response arrives; the body is then ruled by `idleTimeout` and
   * `streamTimeout`, so a long generation that keeps sending is never cut.
   */
  timeout?: number
  /** Milliseconds allowed between two stream chunks. Default 120 000. */
  idleTimeout?: number
  /**
   * Milliseconds a stream waits for its reader to ask for the next chunk; then it is aborted
   * (`TimeoutError`, `timeout: 'reader'`) and its socket given back. Default 60 000.
   */
  readerTimeout?: number
  /** Streams: milliseconds from the response to the end of the body. Default none. */
  streamTimeout?: number
  /** Largest response body (or stream event) read, in bytes. Default 32 MiB. */
  maxResponseBytes?: number
  /** Largest whole stream read, in bytes, all events together. Default 64 MiB. */
  maxStreamBytes?: number
  /** Headers sent with every call. */
  headers?: Record<string, string>
  logger?: SessionLogger
  /** Run around every call, first outermost: limits, routing, fallbacks. See "Extending a call". */
  middleware?: CallMiddleware[]
  /**
   * Model names callers use (`'chat'`, or `'openai/gpt-4o'` itself), each mapped to deployments with
   * their keys and limits; calls to them are routed, limited and fall back. See "Running a fleet".
   */
  deployments?: ModelGroups
  /** How calls to `deployments` are routed: strategy, shared store, fallbacks, queue wait, cooldowns. */
  routing?: RoutingOptions
  /** OTel spans and metrics and the `llm-session:call` channel; on by default (free while nothing listens), `false` turns it off. */
  telemetry?: boolean | TelemetryOptions
}

/**
 * What `client.with()` binds for the calls of the light client it returns.
 * @example
 * const scoped = llm.with({ signal: request.signal, headers: { 'x-tenant': tenant }, apiKey: tenantKey })
 */
export interface ClientBindingOptions {
  signal?: AbortSignal
  headers?: Record<string, string>
  apiKey?: string
  session?: SessionLike | Dispatcher
}

/**
 * A downstream response (node:http's ServerResponse): a call is aborted when it closes before it
 * finished, as with `createResponseCloseSignal(response)`, for an EventEmitter listener per call
 * instead of an AbortController per request and EventTarget listeners per call.
 */
export interface CloseSource {
  once(event: 'close', listener: () => void): unknown
  removeListener(event: 'close', listener: () => void): unknown
  readonly writableFinished: boolean
  readonly destroyed?: boolean
}

/** @internal A client's binding as the framework bindings make it: with the downstream response to follow. */
export interface RequestBinding extends ClientBindingOptions {
  closeOn?: CloseSource
}

/** What aborts a call besides its own deadline: the caller's signals, a downstream response. */
export type AbortSource = AbortSignal | CloseSource

/** Test seams: the retry wait and its jitter. */
export interface ClientInternals {
  sleep(ms: number, signal: AbortSignal): Promise<void>
  random(): number
}

/** Waits `ms`, or rejects with the signal's reason when it aborts first. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason)
      return
    }
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal.reason)
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

export const defaultClientInternals: ClientInternals = { sleep: abortableSleep, random: Math.random }
