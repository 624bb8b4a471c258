import type { Dispatcher } from 'undici'
import { ConfigurationError, InvalidArgumentError, SessionClosedError } from '../errors/errors.js'
import type { ResolvedDeployment } from '../fleet/deployment-options.js'
import type { ProviderDefinition } from '../providers/provider.js'
import { getProviderDefinition, listProviderNames } from '../providers/registry.js'
import { getDefaultSession } from '../session/default-session.js'
import { isSecretHeader, redactUrl } from '../session/redact.js'
import type { SessionLogger } from '../session/session-options.js'
import type { CompletionRequest, EmbeddingRequest, SessionLike } from '../types/request.js'
import type { CallScope } from './call-scope.js'
import type { AbortSource, ClientInternals, ProviderSettings, RequestBinding } from './client-options.js'
import { mergeHeaders } from './merge-headers.js'
import { ownValue } from './read-own-options.js'
import type { CallChain } from './run-with-middleware.js'
import type { TrustPolicy } from './trust-policy.js'
import { validateBaseUrl, validateCompletionRequest, validateEmbeddingRequest } from './validate-request.js'

/** A client's resolved, validated configuration. Never exposed: it holds keys. */
export interface ClientConfig {
  session: SessionLike | Dispatcher | undefined
  providers: Readonly<Record<string, ProviderSettings>>
  trust: TrustPolicy
  retries: number
  timeout: number
  idleTimeout: number
  readerTimeout: number
  streamTimeout: number | undefined
  maxResponseBytes: number
  maxStreamBytes: number
  headers: Record<string, string>
  logger: SessionLogger | undefined
  internals: ClientInternals
  /** A model group's first deployment, which a call to the group's name is prepared as (its router routes it). */
  groupBase?: ((model: string) => ResolvedDeployment | undefined) | undefined
  /** The client's middleware chain, picked per call (telemetry joins it only while something listens). */
  middleware: { select(): CallChain | undefined } | undefined
}

/** Everything one call needs, resolved per call: request, then binding, then client config, then environment. */
export interface PreparedCall {
  provider: ProviderDefinition
  providerName: string
  model: string
  apiKey: string | undefined
  baseUrl: string
  headers: Record<string, string>
  settings: Readonly<Record<string, unknown>>
  dispatcher: Dispatcher
  sessionId: string | undefined
  timeout: number
  retries: number
  idleTimeout: number
  readerTimeout: number
  /** Streams: milliseconds from the response to the end of the body; undefined for none. */
  streamTimeout: number | undefined
  maxResponseBytes: number
  maxStreamBytes: number
  /** Headers of the last request sent, kept to find its credentials when an error is redacted. */
  sentHeaders: Record<string, string> | undefined
  signals: AbortSource[]
  logger: SessionLogger | undefined
  internals: ClientInternals
  /** The middleware this call goes through; undefined (the usual case) costs nothing. */
  middleware: CallChain | undefined
  /** Set on the call of each run inside the middleware: its attempts and stream report to it. */
  scope?: CallScope
  /** The model group's deployment a run goes to (its router names it), for `CallInfo.deployment`. */
  deployment?: string | undefined
}

export function fromEnv(names: readonly string[] | undefined): string | undefined {
  for (const name of names ?? []) {
    const value = process.env[name]
    if (value !== undefined && value !== '') return value
  }
  return undefined
}

const noSettings: ProviderSettings = Object.freeze(Object.create(null))
const noSignals: AbortSource[] = Object.freeze([]) as unknown as AbortSource[]

/** A SessionLike has a dispatcher; anything else given as a session must be a Dispatcher. */
function resolveSession(session: SessionLike | Dispatcher | undefined): {
  dispatcher: Dispatcher
  id: string | undefined
} {
  const candidate = session ?? getDefaultSession()
  if (
    typeof (candidate as SessionLike).dispatcher === 'object' &&
    (candidate as SessionLike).dispatcher !== null
  ) {
    const like = candidate as SessionLike
    if (like.closed) throw new SessionClosedError(`session ${like.id} is closed`, { sessionId: like.id })
    return { dispatcher: like.dispatcher, id: like.id }
  }
  if (typeof (candidate as Dispatcher).request !== 'function')
    throw new InvalidArgumentError('session must be an LlmSession or an undici Dispatcher', {
      field: 'session',
    })
  return { dispatcher: candidate as Dispatcher, id: undefined }
}

// Whitespace, control characters, `?`, `#`, `%`, `\`, and empty, `.` or `..` path segments.
const impossibleModelId = /[\s\p{Cc}?#%\\]|(^|\/)\.{0,2}(\/|$)/u

type Route = { provider: ProviderDefinition; name: string; model: string }
// Model strings already routed: a client calls the same few, and the checks below run once each.
const routes = new Map<string, Route>()

/** Splits `provider/model` and finds the provider. */
export function routeModel(model: unknown): Route {
  const known = typeof model === 'string' ? routes.get(model) : undefined
  if (known !== undefined) return known
  const route = parseModel(model)
  if (routes.size >= 256) routes.clear()
  routes.set(model as string, route)
  return route
}

function parseModel(model: unknown): Route {
  if (typeof model !== 'string' || model === '')
    throw new InvalidArgumentError('model is required, as `provider/model` (e.g. openai/gpt-4o)', {
      field: 'model',
    })
  const slash = model.indexOf('/')
  if (slash <= 0 || slash === model.length - 1)
    throw new InvalidArgumentError(
      `model must be \`provider/model\` (e.g. openai/gpt-4o), got ${JSON.stringify(model.slice(0, 100))}`,
      {
        field: 'model',
      },
    )
  const name = model.slice(0, slash)
  const provider = getProviderDefinition(name)
  if (provider === undefined)
    throw new InvalidArgumentError(
      `unknown provider ${JSON.stringify(name.slice(0, 100))}; known providers: ${listProviderNames().join(', ')}`,
      {
        field: 'model',
      },
    )
  const id = model.slice(slash + 1)
  // No provider's model id holds these; in a URL they would change where the request goes.
  if (impossibleModelId.test(id))
    throw new InvalidArgumentError(
      `model ${JSON.stringify(id.slice(0, 100))} contains characters no ${name} model id has`,
      { field: 'model' },
    )
  return { provider, name, model: id }
}

/** A group's call starts as its first deployment: that deployment's key, base URL and headers. */
function groupSettings(config: ClientConfig, name: string, group: ResolvedDeployment): ProviderSettings {
  const settings: ProviderSettings = { ...config.providers[name] }
  if (group.apiKey !== undefined) settings.apiKey = group.apiKey
  if (group.baseUrl !== undefined) settings.baseUrl = group.baseUrl
  if (group.headers !== undefined) settings.headers = { ...settings.headers, ...group.headers }
  return settings
}

/** Validates and resolves a call before any I/O. Request fields are read as own properties only. */
export function prepareCall(
  config: ClientConfig,
  binding: RequestBinding,
  request: CompletionRequest | EmbeddingRequest,
  kind: 'chat' | 'embedding',
): PreparedCall {
  if (kind === 'chat') validateCompletionRequest(request as CompletionRequest)
  else validateEmbeddingRequest(request as EmbeddingRequest)
  const requestModel = ownValue(request, 'model')
  const group = typeof requestModel === 'string' ? config.groupBase?.(requestModel) : undefined
  const route = routeModel(group?.model ?? requestModel)
  const { provider, name } = route
  config.trust.checkProvider(name)
  if (kind === 'embedding' && provider.createEmbeddingRequest === undefined)
    throw new InvalidArgumentError(`provider ${name} has no embeddings`, { field: 'model' })
  const settings =
    group === undefined ? (config.providers[name] ?? noSettings) : groupSettings(config, name, group)

  // A model group's call goes with its deployment's key and base URL, whatever the call carries.
  const requestKey = group === undefined ? ownValue(request, 'apiKey') : undefined
  const apiKey =
    requestKey ??
    (group === undefined ? binding.apiKey : undefined) ??
    settings.apiKey ??
    fromEnv(provider.apiKeyEnv)
  if (apiKey === undefined && provider.apiKeyRequired)
    throw new ConfigurationError(
      `${provider.apiKeyEnv.join(' / ') || 'the API key'} is not set and no apiKey was given for provider ${name}`,
      { field: 'apiKey' },
    )
  const configuredBaseUrl = settings.baseUrl ?? fromEnv(provider.baseUrlEnv) ?? provider.defaultBaseUrl
  const requestBaseUrl = group === undefined ? ownValue(request, 'baseUrl') : undefined
  const baseUrl = requestBaseUrl ?? configuredBaseUrl
  if (baseUrl === undefined) {
    const env = provider.baseUrlEnv?.length ? ` (or set ${provider.baseUrlEnv.join(' / ')})` : ''
    throw new ConfigurationError(`provider ${name} needs a baseUrl${env}`, { field: 'baseUrl' })
  }
  validateBaseUrl(baseUrl, 'baseUrl')
  const requestHeaders = ownValue(request, 'headers')
  let headers =
    requestHeaders === undefined && group === undefined
      ? configuredHeaders(config, settings, binding)
      : mergeHeaders([config.headers, settings.headers, binding.headers], [requestHeaders])
  // A base URL given per call receives the developer's key and headers only when the client allows
  // its origin; with its own key, the call's key goes there and the developer's credential headers stay home.
  if (requestBaseUrl !== undefined && !config.trust.allowsBaseUrl(requestBaseUrl, configuredBaseUrl)) {
    if ((requestKey === undefined && apiKey !== undefined) || provider.sendsAmbientCredentials === true)
      throw new InvalidArgumentError(
        `baseUrl ${redactUrl(requestBaseUrl)} is not an allowed origin for the client's ${name} key; list it in allowedBaseUrls, or give the call its own apiKey`,
        { field: 'baseUrl' },
      )
    headers = withoutSecretHeaders(headers, requestHeaders)
  }
  const session = resolveSession(ownValue(request, 'session') ?? binding.session ?? config.session)
  const signal = ownValue(request, 'signal')
  const signals =
    signal === undefined && binding.signal === undefined && binding.closeOn === undefined
      ? noSignals
      : [signal, binding.signal, binding.closeOn].filter((s): s is AbortSource => s !== undefined)
  return {
    provider,
    providerName: name,
    model: route.model,
    apiKey,
    baseUrl,
    headers,
    settings,
    dispatcher: session.dispatcher,
    sessionId: session.id,
    timeout: ownValue(request, 'timeout') ?? config.timeout,
    retries: ownValue(request, 'retries') ?? config.retries,
    idleTimeout: ownValue(request as CompletionRequest, 'idleTimeout') ?? config.idleTimeout,
    readerTimeout: config.readerTimeout,
    streamTimeout: ownValue(request as CompletionRequest, 'streamTimeout') ?? config.streamTimeout,
    maxResponseBytes: config.maxResponseBytes,
    maxStreamBytes: config.maxStreamBytes,
    sentHeaders: undefined,
    signals,
    logger: config.logger,
    internals: config.internals,
    middleware: config.middleware?.select(),
  }
}

/** The last merged headers of calls that give none of their own, per provider section. */
const merged = new WeakMap<
  object,
  { client: object; binding: object | undefined; headers: Record<string, string> }
>()

/**
 * The client's, the provider section's and the binding's headers merged: the same three objects
 * call after call, so merged once and reused (frozen: providers copy them into their requests).
 */
function configuredHeaders(
  config: ClientConfig,
  settings: ProviderSettings,
  binding: RequestBinding,
): Record<string, string> {
  const kept = merged.get(settings)
  if (kept !== undefined && kept.client === config.headers && kept.binding === binding.headers)
    return kept.headers
  const headers = Object.freeze(mergeHeaders([config.headers, settings.headers, binding.headers], []))
  merged.set(settings, { client: config.headers, binding: binding.headers, headers })
  return headers
}

/** The merged headers minus credential headers the call itself did not give. */
function withoutSecretHeaders(
  headers: Record<string, string>,
  requestHeaders: Record<string, string> | undefined,
): Record<string, string> {
  const own = new Set(Object.keys(requestHeaders ?? {}).map((name) => name.toLowerCase()))
  const result: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers))
    if (own.has(name) || !isSecretHeader(name)) result[name] = value
  return result
}
