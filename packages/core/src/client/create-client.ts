import { inspect } from 'node:util'
import type { Dispatcher } from 'undici'
import { InvalidArgumentError } from '../errors/errors.js'
import { createDeploymentRouter } from '../fleet/create-deployment-router.js'
import { resolveModelGroups, validateRoutingOptions } from '../fleet/deployment-options.js'
import { getProviderDefinition, listProviderNames } from '../providers/registry.js'
import { createSession, type LlmSession } from '../session/create-session.js'
import type { SessionOptions } from '../session/session-options.js'
import { createTelemetry } from '../telemetry/create-telemetry.js'
import type { ChatCompletion, EmbeddingResponse } from '../types/chat.js'
import type { CompletionRequest, EmbeddingRequest } from '../types/request.js'
import { ChatStream } from './chat-stream.js'
import {
  type ClientBindingOptions,
  type ClientInternals,
  type ClientOptions,
  defaultClientInternals,
  type ProviderSettings,
} from './client-options.js'
import { type ClientConfig, fromEnv, prepareCall } from './prepare-call.js'
import { runCompletion, runEmbedding } from './run-call.js'
import { createCallPipeline } from './run-with-middleware.js'
import { validateApiKey, validateBaseUrl, validateHeaders, validateNumber } from './validate-request.js'

const sessionIdOf = (session: ClientConfig['session']): string | undefined =>
  session !== undefined && 'id' in session && typeof session.id === 'string' ? session.id : undefined

/**
 * The completion API. Results are OpenAI-shaped; `getCallInfo(result)` tells who served them.
 * @example
 * const llm: LlmClient = createClient({ session })
 * const res = await llm.with({ signal }).completion({ model: 'openai/gpt-4o-mini', messages })
 */
export interface LlmClient {
  /** The session id calls go through, when the client has its own or a borrowed one. */
  readonly sessionId: string | undefined
  completion(request: CompletionRequest): Promise<ChatCompletion>
  stream(request: CompletionRequest): ChatStream
  embedding(request: EmbeddingRequest): Promise<EmbeddingResponse>
  /** A light client on the same session and config, with a signal, headers or key bound to its calls. */
  with(options: ClientBindingOptions): LlmClient
  /** Closes the session if the client created it; a borrowed session is left open. Idempotent. */
  close(): Promise<void>
}

const isSession = (value: unknown): value is LlmSession =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as LlmSession).id === 'string' &&
  typeof (value as LlmSession).close === 'function' &&
  typeof (value as LlmSession).dispatcher === 'object'

// A bare undici Dispatcher is borrowed as it is, like a per-call `session`.
const isDispatcher = (value: unknown): value is Dispatcher =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Dispatcher).dispatch === 'function' &&
  !('dispatcher' in value)

function resolveOptions(
  options: ClientOptions,
  internals: ClientInternals,
): { config: ClientConfig; owned: LlmSession | undefined } {
  if (typeof options !== 'object' || options === null)
    throw new InvalidArgumentError('options must be an object', { field: 'options' })
  validateNumber(options.retries, 'retries', { min: 0, max: 10, integer: true })
  validateNumber(options.timeout, 'timeout', { min: 1 })
  validateNumber(options.idleTimeout, 'idleTimeout', { min: 1 })
  validateNumber(options.streamTimeout, 'streamTimeout', { min: 1 })
  validateNumber(options.maxResponseBytes, 'maxResponseBytes', { min: 1, integer: true })
  validateHeaders(options.headers, 'headers')
  const providers: Record<string, ProviderSettings> = {}
  for (const [name, settings] of Object.entries(options.providers ?? {})) {
    if (settings === undefined) continue
    if (getProviderDefinition(name) === undefined)
      throw new InvalidArgumentError(
        `unknown provider "${name}"; known providers: ${listProviderNames().join(', ')}`,
        {
          field: `providers.${name}`,
        },
      )
    validateApiKey(settings.apiKey, `providers.${name}.apiKey`)
    validateBaseUrl(settings.baseUrl, `providers.${name}.baseUrl`)
    validateHeaders(settings.headers, `providers.${name}.headers`)
    providers[name] = { ...settings }
  }
  const router = resolveRouter(options, providers, internals)
  let owned: LlmSession | undefined
  let session: LlmSession | Dispatcher | undefined
  if (isSession(options.session) || isDispatcher(options.session)) session = options.session
  else if (typeof options.session === 'object' && options.session !== null)
    session = owned = createSession(options.session as SessionOptions)
  else if (options.session !== undefined)
    throw new InvalidArgumentError('session must be an LlmSession, an undici Dispatcher or session options', {
      field: 'session',
    })
  return {
    owned,
    config: {
      session,
      providers,
      retries: options.retries ?? 2,
      timeout: options.timeout ?? 600_000,
      idleTimeout: options.idleTimeout ?? 120_000,
      streamTimeout: options.streamTimeout,
      maxResponseBytes: options.maxResponseBytes ?? 32 * 1024 * 1024,
      headers: { ...options.headers },
      logger: options.logger,
      internals,
      groupBase: router?.groupBase,
      middleware: createCallPipeline(
        providers,
        // The router runs innermost: the caller's own middleware sees each call as asked.
        router === undefined || !Array.isArray(options.middleware ?? [])
          ? options.middleware
          : [...(options.middleware ?? []), router.middleware],
        createTelemetry(options.telemetry),
      ),
    },
  }
}

/** `deployments` and `routing`, checked now; undefined when the client has no model groups. */
function resolveRouter(
  options: ClientOptions,
  providers: Record<string, ProviderSettings>,
  internals: ClientInternals,
) {
  const groups = resolveModelGroups(
    options.deployments,
    (name) => getProviderDefinition(name) !== undefined,
    (name) => {
      const definition = getProviderDefinition(name)
      return {
        apiKey: providers[name]?.apiKey ?? fromEnv(definition?.apiKeyEnv),
        baseUrl: providers[name]?.baseUrl ?? fromEnv(definition?.baseUrlEnv) ?? definition?.defaultBaseUrl,
      }
    },
  )
  validateRoutingOptions(options.routing, groups)
  return createDeploymentRouter(groups, options.routing ?? {}, internals.random)
}

function buildClient(
  config: ClientConfig,
  binding: ClientBindingOptions,
  owned: LlmSession | undefined,
): LlmClient {
  const client: LlmClient & { toJSON(): unknown; [inspect.custom](): string } = {
    get sessionId() {
      return sessionIdOf(config.session)
    },
    completion: (request) => {
      try {
        return runCompletion(prepareCall(config, binding, request, 'chat'), request)
      } catch (error) {
        return Promise.reject(error)
      }
    },
    stream: (request) => new ChatStream(prepareCall(config, binding, request, 'chat'), request),
    embedding: (request) => {
      try {
        return runEmbedding(prepareCall(config, binding, request, 'embedding'), request)
      } catch (error) {
        return Promise.reject(error)
      }
    },
    with(options) {
      if (typeof options !== 'object' || options === null)
        throw new InvalidArgumentError('with() takes an options object', { field: 'options' })
      validateApiKey(options.apiKey, 'apiKey')
      validateHeaders(options.headers, 'headers')
      if (options.signal !== undefined && !(options.signal instanceof AbortSignal))
        throw new InvalidArgumentError('signal must be an AbortSignal', { field: 'signal' })
      const merged: ClientBindingOptions = {
        ...binding,
        ...options,
        headers: { ...binding.headers, ...options.headers },
      }
      const signals = [binding.signal, options.signal].filter((s): s is AbortSignal => s !== undefined)
      if (signals.length > 1) merged.signal = AbortSignal.any(signals)
      return buildClient(config, merged, undefined)
    },
    async close() {
      await owned?.close()
    },
    // Keys live in the closure only; these keep logs of the client short and free of secrets.
    toJSON() {
      return {
        type: 'LlmClient',
        sessionId: sessionIdOf(config.session),
        providers: Object.keys(config.providers),
      }
    },
    [inspect.custom]() {
      return `LlmClient ${JSON.stringify(client.toJSON())}`
    },
  }
  return client
}

/** @internal Tests inject the retry wait and jitter here. */
export function createClientWithInternals(
  options: ClientOptions,
  internals: Partial<ClientInternals>,
): LlmClient {
  const { config, owned } = resolveOptions(options, { ...defaultClientInternals, ...internals })
  return buildClient(config, {}, owned)
}

/**
 * Creates a completion client. Give it a session to borrow, or session options for one it owns
 * (then `close()` closes it); without either it uses the process default session.
 * @example
 * const llm = createClient({ session: { connections: 32 }, providers: { openai: { apiKey } } })
 * const res = await llm.completion({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] })
 * await llm.close()
 */
export function createClient(options: ClientOptions = {}): LlmClient {
  return createClientWithInternals(options, {})
}
