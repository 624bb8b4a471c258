import { InvalidArgumentError } from '../errors/errors.js'
import { getProviderDefinition } from '../providers/registry.js'
import type { CompletionRequest, EmbeddingRequest } from '../types/request.js'
import type { CallControl } from './call-control.js'
import type {
  CallEndEvent,
  CallObserver,
  CallOperation,
  CallRoute,
  CallRouteInfo,
  LlmCall,
} from './call-middleware.js'
import { type ClientConfig, fromEnv, type PreparedCall } from './prepare-call.js'
import { validateApiKey, validateBaseUrl, validateHeaders } from './validate-request.js'

/**
 * One call seen through its middleware: the `LlmCall` they get, the runs they start and the events
 * the client reports from its attempts and stream. Made only when a client has middleware.
 */
export class CallScope implements LlmCall {
  readonly operation: CallOperation
  readonly model: string
  readonly request: Readonly<CompletionRequest> | Readonly<EmbeddingRequest>
  readonly route: CallRouteInfo
  readonly requestId: string | undefined
  readonly sessionId: string | undefined
  readonly control: CallControl
  readonly #base: PreparedCall
  readonly #providers: ClientConfig['providers']
  #observers: CallObserver[] = []
  #current: CallRouteInfo
  #run = 0
  #attempt = 0
  #ended = false
  /** A stream's run resolved: its chunks may reach the caller, so no other run may start. */
  streamOpened = false
  /** A stream's first chunk was reported. */
  streamStarted = false
  /** The deployment the next run goes to, named by the router; the run's call carries it. */
  nextDeployment: string | undefined
  /** The router retries this call itself, each attempt taking capacity: every run makes one attempt. */
  retriesTakenOver = false

  constructor(
    providers: ClientConfig['providers'],
    base: PreparedCall,
    request: CompletionRequest | EmbeddingRequest,
    operation: CallOperation,
    control: CallControl,
  ) {
    this.#providers = providers
    this.#base = base
    this.operation = operation
    this.model = request.model
    this.request = request
    this.route = { provider: base.providerName, model: base.model, baseUrl: base.baseUrl }
    this.#current = this.route
    this.requestId = base.headers['x-request-id']
    this.sessionId = base.sessionId
    this.control = control
  }

  /** The retries the call was given (the client's, or its own). */
  get baseRetries(): number {
    return this.#base.retries
  }

  get signal(): AbortSignal {
    return this.control.signal
  }

  remainingMs(): number {
    return this.control.remainingMs()
  }

  observe(observer: CallObserver): void {
    if (typeof observer !== 'object' || observer === null)
      throw new InvalidArgumentError('observe() takes an observer object', { field: 'observer' })
    this.#observers.push(observer)
  }

  /** The route of the run in progress. */
  get currentRoute(): CallRouteInfo {
    return this.#current
  }

  /** Starts a run: the call as it goes to `route`, carrying this scope for its attempts. */
  beginRun(route: CallRoute | undefined): PreparedCall {
    if (this.streamOpened)
      throw new Error('a stream runs again only before its first chunk; this one already answered')
    if (route !== undefined && (typeof route !== 'object' || route === null))
      throw new InvalidArgumentError('next() takes a route object or nothing', { field: 'route' })
    const call = route === undefined ? { ...this.#base } : reroute(this.#providers, this.#base, route)
    if (this.operation === 'embedding' && call.provider.createEmbeddingRequest === undefined)
      throw new InvalidArgumentError(`provider ${call.providerName} has no embeddings`, {
        field: 'route.provider',
      })
    call.scope = this
    call.deployment = this.nextDeployment
    this.nextDeployment = undefined
    if (this.retriesTakenOver) call.retries = 0
    this.#run++
    this.#attempt = 0
    this.#current =
      route === undefined
        ? this.route
        : { provider: call.providerName, model: call.model, baseUrl: call.baseUrl }
    return call
  }

  attemptStart(): void {
    this.#attempt++
    this.#emit('onAttemptStart', this.#attemptEvent())
  }

  attemptResponse(status: number, headers: Record<string, string>): void {
    this.#emit('onAttemptResponse', {
      run: this.#run,
      attempt: this.#attempt,
      route: this.#current,
      status,
      headers,
    })
  }

  attemptError(error: unknown): void {
    this.#emit('onAttemptError', { run: this.#run, attempt: this.#attempt, route: this.#current, error })
  }

  firstChunk(): void {
    this.#emit('onFirstChunk', undefined)
  }

  chunks(count: number): void {
    this.#emit('onChunks', count)
  }

  /** Once per call; later ends (a stream's reader closing after an error) are ignored. */
  end(event: CallEndEvent): void {
    if (this.#ended) return
    this.#ended = true
    this.#emit('onEnd', event)
  }

  #attemptEvent() {
    return { run: this.#run, attempt: this.#attempt, route: this.#current }
  }

  #emit<K extends keyof CallObserver>(name: K, event: unknown): void {
    for (const observer of this.#observers) {
      const callback = observer[name] as ((event: unknown) => void) | undefined
      if (callback === undefined) continue
      try {
        callback.call(observer, event)
      } catch {
        // An observer's bug must not fail the call it watches.
      }
    }
  }
}

/**
 * The call sent to another route. Its key comes from the route, else (same provider and base URL)
 * the call's own, else the client's `providers[name]` or the environment: a key given for one
 * provider never travels to another.
 */
function reroute(providers: ClientConfig['providers'], base: PreparedCall, route: CallRoute): PreparedCall {
  const name = route.provider ?? base.providerName
  const provider = getProviderDefinition(name)
  if (provider === undefined)
    throw new InvalidArgumentError(`middleware routed to unknown provider "${name}"`, {
      field: 'route.provider',
    })
  if (route.model !== undefined && (typeof route.model !== 'string' || route.model === ''))
    throw new InvalidArgumentError('route.model must be a non-empty string', { field: 'route.model' })
  validateApiKey(route.apiKey, 'route.apiKey')
  validateBaseUrl(route.baseUrl, 'route.baseUrl')
  validateHeaders(route.headers, 'route.headers')
  const settings = name === base.providerName ? base.settings : (providers[name] ?? {})
  const baseUrl =
    route.baseUrl ??
    (name === base.providerName
      ? base.baseUrl
      : ((settings.baseUrl as string | undefined) ?? fromEnv(provider.baseUrlEnv) ?? provider.defaultBaseUrl))
  if (baseUrl === undefined)
    throw new InvalidArgumentError(`provider ${name} needs a baseUrl`, { field: 'route.baseUrl' })
  const sameTarget = name === base.providerName && baseUrl === base.baseUrl
  const apiKey =
    route.apiKey ??
    (sameTarget ? base.apiKey : ((settings.apiKey as string | undefined) ?? fromEnv(provider.apiKeyEnv)))
  return {
    ...base,
    provider,
    providerName: name,
    model: route.model ?? base.model,
    baseUrl,
    apiKey,
    settings,
    headers: sameTarget && route.headers === undefined ? base.headers : routeHeaders(base, settings, route),
  }
}

/** The call's headers without its provider section's (they may hold that provider's secrets), plus the new ones. */
function routeHeaders(
  base: PreparedCall,
  settings: Readonly<Record<string, unknown>>,
  route: CallRoute,
): Record<string, string> {
  const headers = { ...base.headers }
  if (settings !== base.settings)
    for (const name of Object.keys((base.settings.headers as Record<string, string> | undefined) ?? {}))
      delete headers[name]
  return { ...headers, ...(settings.headers as Record<string, string> | undefined), ...route.headers }
}

/**
 * Names the deployment the call's next run goes to, carried by the run's call: a routed stream
 * reports it in its `CallInfo` (a completion's result is stamped by the router itself).
 */
export function nameNextDeployment(call: LlmCall, id: string): void {
  if (call instanceof CallScope) call.nextDeployment = id
}

/**
 * Takes the call's retries over from the client's retry loop (its runs then make one attempt
 * each), so each retry can go through the limiter. Returns the retries the call may make.
 */
export function takeOverRetries(call: LlmCall): number {
  if (!(call instanceof CallScope)) return 0
  call.retriesTakenOver = true
  return call.baseRetries
}
