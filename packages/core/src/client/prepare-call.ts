import type { Dispatcher } from 'undici'
import { InvalidArgumentError, SessionClosedError } from '../errors/errors.js'
import type { ResolvedDeployment } from '../fleet/deployment-options.js'
import type { ProviderDefinition } from '../providers/provider.js'
import { getProviderDefinition, listProviderNames } from '../providers/registry.js'
import { getDefaultSession } from '../session/default-session.js'
import type { SessionLogger } from '../session/session-options.js'
import type { CompletionRequest, EmbeddingRequest, SessionLike } from '../types/request.js'
import type { CallScope } from './call-scope.js'
import type { ClientBindingOptions, ClientInternals, ProviderSettings } from './client-options.js'
import type { CallChain } from './run-with-middleware.js'
import { validateBaseUrl, validateCompletionRequest, validateEmbeddingRequest } from './validate-request.js'

/** A client's resolved, validated configuration. Never exposed: it holds keys. */
export interface ClientConfig {
  session: SessionLike | Dispatcher | undefined
  providers: Readonly<Record<string, ProviderSettings>>
  retries: number
  timeout: number
  idleTimeout: number
  streamTimeout: number | undefined
  maxResponseBytes: number
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
  /** Streams: milliseconds from the response to the end of the body; undefined for none. */
  streamTimeout: number | undefined
  maxResponseBytes: number
  signals: AbortSignal[]
  logger: SessionLogger | undefined
  internals: ClientInternals
  /** The middleware this call goes through; undefined (the usual case) costs nothing. */
  middleware: CallChain | undefined
  /** Set on the call of each run inside the middleware: its attempts and stream report to it. */
  scope?: CallScope
}

export function fromEnv(names: readonly string[] | undefined): string | undefined {
  for (const name of names ?? []) {
    const value = process.env[name]
    if (value !== undefined && value !== '') return value
  }
  return undefined
}

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

/** Splits `provider/model` and finds the provider. */
export function routeModel(model: unknown): { provider: ProviderDefinition; name: string; model: string } {
  if (typeof model !== 'string' || model === '')
    throw new InvalidArgumentError('model is required, as `provider/model` (e.g. openai/gpt-4o)', {
      field: 'model',
    })
  const slash = model.indexOf('/')
  if (slash <= 0 || slash === model.length - 1)
    throw new InvalidArgumentError(`model must be \`provider/model\` (e.g. openai/gpt-4o), got "${model}"`, {
      field: 'model',
    })
  const name = model.slice(0, slash)
  const provider = getProviderDefinition(name)
  if (provider === undefined)
    throw new InvalidArgumentError(
      `unknown provider "${name}"; known providers: ${listProviderNames().join(', ')}`,
      {
        field: 'model',
      },
    )
  return { provider, name, model: model.slice(slash + 1) }
}

/** A group's call starts as its first deployment: that deployment's key, base URL and headers. */
function groupSettings(config: ClientConfig, name: string, group: ResolvedDeployment): ProviderSettings {
  const settings: ProviderSettings = { ...config.providers[name] }
  if (group.apiKey !== undefined) settings.apiKey = group.apiKey
  if (group.baseUrl !== undefined) settings.baseUrl = group.baseUrl
  if (group.headers !== undefined) settings.headers = { ...settings.headers, ...group.headers }
  return settings
}

/** Validates and resolves a call before any I/O. */
export function prepareCall(
  config: ClientConfig,
  binding: ClientBindingOptions,
  request: CompletionRequest | EmbeddingRequest,
  kind: 'chat' | 'embedding',
): PreparedCall {
  if (kind === 'chat') validateCompletionRequest(request as CompletionRequest)
  else validateEmbeddingRequest(request as EmbeddingRequest)
  const group = config.groupBase?.(request.model)
  const route = routeModel(group?.model ?? request.model)
  const { provider, name } = route
  if (kind === 'embedding' && provider.createEmbeddingRequest === undefined)
    throw new InvalidArgumentError(`provider ${name} has no embeddings`, { field: 'model' })
  const settings = group === undefined ? (config.providers[name] ?? {}) : groupSettings(config, name, group)

  // A model group's call goes with its deployment's key and base URL, whatever the call carries.
  const apiKey =
    (group === undefined ? (request.apiKey ?? binding.apiKey) : undefined) ??
    settings.apiKey ??
    fromEnv(provider.apiKeyEnv)
  if (apiKey === undefined && provider.apiKeyRequired)
    throw new InvalidArgumentError(
      `${provider.apiKeyEnv.join(' / ') || 'the API key'} is not set and no apiKey was given for provider ${name}`,
      { field: 'apiKey' },
    )
  const baseUrl =
    (group === undefined ? request.baseUrl : undefined) ??
    settings.baseUrl ??
    fromEnv(provider.baseUrlEnv) ??
    provider.defaultBaseUrl
  if (baseUrl === undefined) {
    const env = provider.baseUrlEnv?.length ? ` (or set ${provider.baseUrlEnv.join(' / ')})` : ''
    throw new InvalidArgumentError(`provider ${name} needs a baseUrl${env}`, { field: 'baseUrl' })
  }
  validateBaseUrl(baseUrl, 'baseUrl')
  const session = resolveSession(request.session ?? binding.session ?? config.session)
  const signals = [request.signal, binding.signal].filter(
    (signal): signal is AbortSignal => signal !== undefined,
  )
  return {
    provider,
    providerName: name,
    model: route.model,
    apiKey,
    baseUrl,
    headers: { ...config.headers, ...settings.headers, ...binding.headers, ...request.headers },
    settings,
    dispatcher: session.dispatcher,
    sessionId: session.id,
    timeout: request.timeout ?? config.timeout,
    retries: request.retries ?? config.retries,
    idleTimeout: (request as CompletionRequest).idleTimeout ?? config.idleTimeout,
    streamTimeout: (request as CompletionRequest).streamTimeout ?? config.streamTimeout,
    maxResponseBytes: config.maxResponseBytes,
    signals,
    logger: config.logger,
    internals: config.internals,
    middleware: config.middleware?.select(),
  }
}
