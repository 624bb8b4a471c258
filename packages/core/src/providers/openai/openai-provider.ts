import { ResponseParseError } from '../../errors/errors.js'
import type { EmbeddingResponse } from '../../types/chat.js'
import type { CompletionRequest } from '../../types/request.js'
import type { ProviderCallContext, ProviderDefinition, ProviderHttpRequest } from '../provider.js'
import { createOpenAIRequestBody } from './create-openai-request-body.js'
import { createOpenAIChunkMapper } from './openai-chunk-mapper.js'
import {
  defaultOpenAICompatibility,
  type OpenAICompatibility,
  openAICompatibility,
} from './openai-compatibility.js'
import { createOpenAIError } from './openai-error.js'
import { parseOpenAIResponse } from './parse-openai-response.js'

/** What differs between servers that speak the OpenAI Chat Completions wire format. */
export interface OpenAIFamilyProviderConfig {
  name: string
  defaultBaseUrl?: string
  baseUrlEnv?: readonly string[]
  apiKeyEnv: readonly string[]
  apiKeyRequired: boolean
  /**
   * Ask for `stream_options.include_usage` (default true; some servers reject the field). A function
   * decides per call (Azure: by API version).
   */
  streamUsage?: boolean | ((context: ProviderCallContext) => boolean)
  /** What the server accepts beyond the common core. Default: `defaultOpenAICompatibility`. */
  compatibility?: OpenAICompatibility
  /** Provider-specific settings names (Azure `apiVersion`). */
  settingNames?: readonly string[]
  /** Credential headers. Default `Authorization: Bearer <key>`. */
  authHeaders?(apiKey: string): Record<string, string>
  /** The URL of an operation. Default `{baseUrl}/{operation}`. */
  operationUrl?(operation: 'chat/completions' | 'embeddings', context: ProviderCallContext): string
}

/**
 * The request headers of a call. The same client sends the same few sets (one key, its headers,
 * two accepts), so the last one merged per accept is kept and each call gets a copy of it: a copy,
 * as a dispatcher may write to the headers it is given (undici's ProxyAgent adds `host`).
 */
function createHeadersFor(config: OpenAIFamilyProviderConfig) {
  const last: Record<string, { apiKey: string | undefined; extra: object; headers: Record<string, string> }> =
    Object.create(null)
  return (context: ProviderCallContext, accept: string): Record<string, string> => {
    const kept = last[accept]
    if (kept !== undefined && kept.apiKey === context.apiKey && kept.extra === context.headers)
      return { ...kept.headers }
    const auth =
      context.apiKey === undefined
        ? {}
        : (config.authHeaders?.(context.apiKey) ?? { authorization: `Bearer ${context.apiKey}` })
    const headers = { 'content-type': 'application/json', accept, ...context.headers, ...auth }
    last[accept] = { apiKey: context.apiKey, extra: context.headers, headers }
    return { ...headers }
  }
}

/** The URL of an operation, built once per base URL. */
function createUrlFor(config: OpenAIFamilyProviderConfig) {
  const built = new Map<string, string>()
  return (operation: 'chat/completions' | 'embeddings', context: ProviderCallContext): string => {
    if (config.operationUrl !== undefined) return config.operationUrl(operation, context)
    const key = `${operation} ${context.baseUrl}`
    let url = built.get(key)
    if (url === undefined) {
      url = `${context.baseUrl.replace(/\/+$/, '')}/${operation}`
      // Bounded: base URLs given per call must not grow it without end.
      if (built.size >= 64) built.clear()
      built.set(key, url)
    }
    return url
  }
}

function parseError(provider: string, message: string, requestId: string | undefined): ResponseParseError {
  return new ResponseParseError(`${provider} ${message}`, { provider, requestId })
}

/**
 * Builds the provider definition of an OpenAI-family server (OpenAI itself, Azure, the presets).
 * @example
 * const openai = createOpenAIFamilyProvider({ name: 'openai', apiKeyEnv: ['OPENAI_API_KEY'], apiKeyRequired: true })
 */
export function createOpenAIFamilyProvider(config: OpenAIFamilyProviderConfig): ProviderDefinition {
  const compatibility = config.compatibility ?? defaultOpenAICompatibility
  const headersFor = createHeadersFor(config)
  const urlFor = createUrlFor(config)
  return {
    name: config.name,
    apiKeyEnv: config.apiKeyEnv,
    apiKeyRequired: config.apiKeyRequired,
    ...(config.defaultBaseUrl === undefined ? {} : { defaultBaseUrl: config.defaultBaseUrl }),
    ...(config.baseUrlEnv === undefined ? {} : { baseUrlEnv: config.baseUrlEnv }),
    ...(config.settingNames === undefined ? {} : { settingNames: config.settingNames }),
    streamFormat: 'sse',

    createChatRequest(request: CompletionRequest, context, { stream }): ProviderHttpRequest {
      const streamUsage = config.streamUsage ?? true
      const body = createOpenAIRequestBody(request, {
        model: context.model,
        stream,
        compatibility,
        streamOptions: typeof streamUsage === 'function' ? streamUsage(context) : streamUsage,
      })
      return {
        method: 'POST',
        url: urlFor('chat/completions', context),
        headers: headersFor(context, stream ? 'text/event-stream' : 'application/json'),
        body: JSON.stringify(body),
      }
    },

    parseChatResponse: parseOpenAIResponse,

    createChunkMapper: createOpenAIChunkMapper,

    createEmbeddingRequest(request, context): ProviderHttpRequest {
      const body: Record<string, unknown> = { model: context.model, input: request.input }
      if (request.dimensions !== undefined) body.dimensions = request.dimensions
      if (request.user !== undefined) body.user = request.user
      Object.assign(body, request.extraBody)
      return {
        method: 'POST',
        url: urlFor('embeddings', context),
        headers: headersFor(context, 'application/json'),
        body: JSON.stringify(body),
      }
    },

    parseEmbeddingResponse(body, context): EmbeddingResponse {
      const raw = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
      if (raw.error != null)
        throw createOpenAIError(raw, { provider: context.provider, requestId: context.requestId })
      if (!Array.isArray(raw.data))
        throw parseError(context.provider, 'answered without an embeddings data array', context.requestId)
      const data = raw.data.map((item: Record<string, unknown>, position) => {
        if (!Array.isArray(item?.embedding))
          throw parseError(context.provider, 'sent an embedding that is not an array', context.requestId)
        return {
          object: 'embedding' as const,
          index: typeof item.index === 'number' ? item.index : position,
          embedding: item.embedding as number[],
        }
      })
      data.sort((a, b) => a.index - b.index)
      const usage = (raw.usage ?? { prompt_tokens: 0, total_tokens: 0 }) as EmbeddingResponse['usage']
      return { object: 'list', data, model: typeof raw.model === 'string' ? raw.model : context.model, usage }
    },

    parseError(response, context) {
      return createOpenAIError(response.body, {
        ...context,
        status: response.status,
        headers: response.headers,
      })
    },
  }
}

/**
 * OpenAI: `OPENAI_API_KEY`, base `OPENAI_BASE_URL` (or LiteLLM's `OPENAI_API_BASE`).
 * @example
 * await llm.completion({ model: 'openai/gpt-4o-mini', messages })
 */
export const openaiProvider: ProviderDefinition = createOpenAIFamilyProvider({
  name: 'openai',
  defaultBaseUrl: 'https://api.openai.com/v1',
  baseUrlEnv: ['OPENAI_BASE_URL', 'OPENAI_API_BASE'],
  apiKeyEnv: ['OPENAI_API_KEY'],
  apiKeyRequired: true,
  compatibility: openAICompatibility,
})
