import { inspect } from 'node:util'
import { InvalidArgumentError } from '../errors/errors.js'
import type { LlmSession } from '../session/create-session.js'
import type { ChatCompletion, EmbeddingResponse } from '../types/chat.js'
import type { CompletionRequest, EmbeddingRequest } from '../types/request.js'
import { ChatStream } from './chat-stream.js'
import {
  type ClientBindingOptions,
  type ClientInternals,
  type ClientOptions,
  defaultClientInternals,
  type RequestBinding,
} from './client-options.js'
import { mergeHeaders } from './merge-headers.js'
import { type ClientConfig, prepareCall } from './prepare-call.js'
import { readOwnOptions } from './read-own-options.js'
import { resolveClientOptions } from './resolve-client-options.js'
import { runCompletion, runEmbedding } from './run-call.js'
import { validateApiKey, validateHeaders } from './validate-request.js'

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

/**
 * @internal A bound client for one inbound request, from a framework binding: `with()` without
 * re-validating what the binding built, and with the downstream response to follow (`closeOn`).
 */
export const bindRequest: unique symbol = Symbol('llm-session.bindRequest')

/** @internal Every client createClient makes can be bound so. */
export function bindRequestClient(client: LlmClient, options: RequestBinding): LlmClient {
  return (client as LlmClient & { [bindRequest](options: RequestBinding): LlmClient })[bindRequest](options)
}

const knownBindingOptions = new Set(['signal', 'headers', 'apiKey', 'session'])

function buildClient(
  config: ClientConfig,
  binding: RequestBinding,
  owned: LlmSession | undefined,
): LlmClient {
  const client: LlmClient & {
    toJSON(): unknown
    [inspect.custom](): string
    [bindRequest](options: RequestBinding): LlmClient
  } = {
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
    [bindRequest](options: RequestBinding) {
      // The bindings' own options (their response, a request id header they validated): no copy of with()'s checks.
      const merged: RequestBinding = Object.assign(Object.create(null), binding, options, {
        headers: mergeHeaders([binding.headers], [options.headers]),
      })
      return buildClient(config, merged, undefined)
    },
    with(given) {
      if (typeof given !== 'object' || given === null)
        throw new InvalidArgumentError('with() takes an options object', { field: 'options' })
      const options = readOwnOptions(given, knownBindingOptions, {
        label: 'with() option',
        prefix: '',
      }) as ClientBindingOptions
      validateApiKey(options.apiKey, 'apiKey')
      validateHeaders(options.headers, 'headers')
      if (options.signal !== undefined && !(options.signal instanceof AbortSignal))
        throw new InvalidArgumentError('signal must be an AbortSignal', { field: 'signal' })
      // Null prototype: a binding field left out never reads a polluted Object.prototype.
      const merged: RequestBinding = Object.assign(Object.create(null), binding, options, {
        headers: mergeHeaders([binding.headers], [options.headers]),
      })
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
  const { config, owned } = resolveClientOptions(options, { ...defaultClientInternals, ...internals })
  return buildClient(config, Object.create(null), owned)
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
