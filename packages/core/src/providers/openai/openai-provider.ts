import { ResponseParseError } from '../../errors/errors.js'
import type {
  ChatCompletion,
  ChatCompletionChoice,
  ChatCompletionMessage,
  EmbeddingResponse,
} from '../../types/chat.js'
import type { CompletionRequest } from '../../types/request.js'
import type { ProviderCallContext, ProviderDefinition, ProviderHttpRequest } from '../provider.js'
import { convertToOpenAIMessages } from './convert-to-openai-messages.js'
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js'
import { createOpenAIChunkMapper } from './openai-chunk-mapper.js'
import { createOpenAIError } from './openai-error.js'

/** What differs between servers that speak the OpenAI Chat Completions wire format. */
export interface OpenAIFamilyProviderConfig {
  name: string
  defaultBaseUrl?: string
  baseUrlEnv?: readonly string[]
  apiKeyEnv: readonly string[]
  apiKeyRequired: boolean
  /** Ask for `stream_options.include_usage` (default true; some servers reject the field). */
  streamUsage?: boolean
  /** Provider-specific settings names (Azure `apiVersion`). */
  settingNames?: readonly string[]
  /** Credential headers. Default `Authorization: Bearer <key>`. */
  authHeaders?(apiKey: string): Record<string, string>
  /** The URL of an operation. Default `{baseUrl}/{operation}`. */
  operationUrl?(operation: 'chat/completions' | 'embeddings', context: ProviderCallContext): string
}

const requestFields = [
  'tools',
  'tool_choice',
  'temperature',
  'top_p',
  'max_tokens',
  'max_completion_tokens',
  'response_format',
  'stop',
  'seed',
  'user',
  'parallel_tool_calls',
] as const

function headersFor(config: OpenAIFamilyProviderConfig, context: ProviderCallContext, accept: string) {
  const auth =
    context.apiKey === undefined
      ? {}
      : (config.authHeaders?.(context.apiKey) ?? { authorization: `Bearer ${context.apiKey}` })
  return { 'content-type': 'application/json', accept, ...context.headers, ...auth }
}

function urlFor(
  config: OpenAIFamilyProviderConfig,
  operation: 'chat/completions' | 'embeddings',
  context: ProviderCallContext,
) {
  return config.operationUrl?.(operation, context) ?? `${context.baseUrl.replace(/\/+$/, '')}/${operation}`
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
  return {
    name: config.name,
    apiKeyEnv: config.apiKeyEnv,
    apiKeyRequired: config.apiKeyRequired,
    ...(config.defaultBaseUrl === undefined ? {} : { defaultBaseUrl: config.defaultBaseUrl }),
    ...(config.baseUrlEnv === undefined ? {} : { baseUrlEnv: config.baseUrlEnv }),
    ...(config.settingNames === undefined ? {} : { settingNames: config.settingNames }),
    streamFormat: 'sse',

    createChatRequest(request: CompletionRequest, context, { stream }): ProviderHttpRequest {
      const body: Record<string, unknown> = {
        model: context.model,
        messages: convertToOpenAIMessages(request.messages),
      }
      for (const field of requestFields) if (request[field] !== undefined) body[field] = request[field]
      Object.assign(body, request.extraBody)
      if (stream) {
        body.stream = true
        if (config.streamUsage !== false) body.stream_options = { include_usage: true }
      }
      return {
        method: 'POST',
        url: urlFor(config, 'chat/completions', context),
        headers: headersFor(config, context, stream ? 'text/event-stream' : 'application/json'),
        body: JSON.stringify(body),
      }
    },

    parseChatResponse(body, context): ChatCompletion {
      if (typeof body !== 'object' || body === null)
        throw parseError(context.provider, 'answered with a body that is not an object', context.requestId)
      const raw = body as Record<string, unknown>
      if (raw.error != null)
        throw createOpenAIError(raw, { provider: context.provider, requestId: context.requestId })
      if (!Array.isArray(raw.choices))
        throw parseError(context.provider, 'answered without a choices array', context.requestId)
      const choices = raw.choices.map((choice: Record<string, unknown>, position): ChatCompletionChoice => {
        const message = (choice?.message ?? {}) as Record<string, unknown>
        const out: ChatCompletionMessage = {
          role: 'assistant',
          content: typeof message.content === 'string' ? message.content : null,
          refusal: typeof message.refusal === 'string' ? message.refusal : null,
        }
        if (Array.isArray(message.tool_calls) && message.tool_calls.length > 0)
          out.tool_calls = message.tool_calls.map((call: Record<string, unknown>) => {
            const fn = (call?.function ?? {}) as { name?: unknown; arguments?: unknown }
            return {
              id: typeof call?.id === 'string' ? call.id : '',
              type: 'function' as const,
              function: {
                name: typeof fn.name === 'string' ? fn.name : '',
                arguments:
                  typeof fn.arguments === 'string' ? fn.arguments : JSON.stringify(fn.arguments ?? {}),
              },
            }
          })
        const reasoning = message.reasoning ?? message.reasoning_content
        if (typeof reasoning === 'string') out.reasoning = reasoning
        if (Array.isArray(message.annotations)) out.annotations = message.annotations
        return {
          index: typeof choice?.index === 'number' ? choice.index : position,
          message: out,
          finish_reason: mapOpenAIFinishReason(choice?.finish_reason),
          logprobs: choice?.logprobs ?? null,
        }
      })
      const completion: ChatCompletion = {
        id: typeof raw.id === 'string' ? raw.id : '',
        object: 'chat.completion',
        created: typeof raw.created === 'number' ? raw.created : 0,
        model: typeof raw.model === 'string' && raw.model !== '' ? raw.model : context.model,
        choices,
      }
      if (typeof raw.usage === 'object' && raw.usage !== null)
        completion.usage = raw.usage as ChatCompletion['usage'] & object
      if (raw.system_fingerprint !== undefined)
        completion.system_fingerprint = raw.system_fingerprint as string | null
      if (raw.service_tier !== undefined) completion.service_tier = raw.service_tier as string | null
      return completion
    },

    createChunkMapper: createOpenAIChunkMapper,

    createEmbeddingRequest(request, context): ProviderHttpRequest {
      const body: Record<string, unknown> = { model: context.model, input: request.input }
      if (request.dimensions !== undefined) body.dimensions = request.dimensions
      if (request.user !== undefined) body.user = request.user
      return {
        method: 'POST',
        url: urlFor(config, 'embeddings', context),
        headers: headersFor(config, context, 'application/json'),
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
})
