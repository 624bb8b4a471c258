import type { CallOperation, CallRouteInfo } from '../client/call-middleware.js'
import type { ChatCompletion, EmbeddingResponse } from '../types/chat.js'
import type { CompletionRequest, EmbeddingRequest } from '../types/request.js'

/** Attribute values OTel takes: strings, numbers, booleans and arrays of them. */
export type TelemetryAttributes = Record<string, string | number | boolean | string[]>

// `gen_ai.provider.name` well-known values of the GenAI conventions; other prefixes go as they are.
const providerNames: Readonly<Record<string, string>> = {
  openai: 'openai',
  azure: 'azure.ai.openai',
  anthropic: 'anthropic',
  gemini: 'gcp.gemini',
  vertex: 'gcp.vertex_ai',
  groq: 'groq',
  deepseek: 'deepseek',
  mistral: 'mistral_ai',
  xai: 'x_ai',
  perplexity: 'perplexity',
  bedrock: 'aws.bedrock',
}

/** The conventions' provider name for one of our model-string prefixes. */
export function genAiProviderName(provider: string): string {
  return providerNames[provider] ?? provider
}

/** `chat` for completions and streams, `embeddings` for embeddings (the conventions' names). */
export function genAiOperationName(operation: CallOperation): 'chat' | 'embeddings' {
  return operation === 'embedding' ? 'embeddings' : 'chat'
}

const servers = new Map<string, { address: string; port: number }>()

/** `server.address` and `server.port` of a base URL (the port defaulted from the scheme), parsed once. */
export function serverOf(baseUrl: string): { address: string; port: number } | undefined {
  let server = servers.get(baseUrl)
  if (server === undefined) {
    try {
      const url = new URL(baseUrl)
      const port = url.port === '' ? (url.protocol === 'http:' ? 80 : 443) : Number(url.port)
      server = { address: url.hostname.replace(/^\[|\]$/g, ''), port }
    } catch {
      return undefined
    }
    if (servers.size >= 256) servers.clear()
    servers.set(baseUrl, server)
  }
  return server
}

/** The attributes that name a route: provider, model, server. Shared by spans, events and metrics. */
export function routeAttributes(operation: CallOperation, route: CallRouteInfo): TelemetryAttributes {
  const attributes: TelemetryAttributes = {
    'gen_ai.operation.name': genAiOperationName(operation),
    'gen_ai.provider.name': genAiProviderName(route.provider),
    'gen_ai.request.model': route.model,
  }
  const server = serverOf(route.baseUrl)
  if (server !== undefined) {
    attributes['server.address'] = server.address
    attributes['server.port'] = server.port
  }
  return attributes
}

/** The request's sampling settings, as the conventions name them. Never keys, headers or content. */
export function requestAttributes(
  operation: CallOperation,
  request: Readonly<CompletionRequest> | Readonly<EmbeddingRequest>,
): TelemetryAttributes {
  const attributes: TelemetryAttributes = {}
  if (operation === 'embedding') {
    const { dimensions } = request as EmbeddingRequest
    if (typeof dimensions === 'number') attributes['gen_ai.embeddings.dimension.count'] = dimensions
    return attributes
  }
  const chat = request as CompletionRequest
  if (operation === 'stream') attributes['gen_ai.request.stream'] = true
  const maxTokens = chat.max_completion_tokens ?? chat.max_tokens
  if (typeof maxTokens === 'number') attributes['gen_ai.request.max_tokens'] = maxTokens
  if (typeof chat.temperature === 'number') attributes['gen_ai.request.temperature'] = chat.temperature
  if (typeof chat.top_p === 'number') attributes['gen_ai.request.top_p'] = chat.top_p
  if (typeof chat.seed === 'number') attributes['gen_ai.request.seed'] = chat.seed
  if (typeof chat.stop === 'string') attributes['gen_ai.request.stop_sequences'] = [chat.stop]
  else if (Array.isArray(chat.stop)) attributes['gen_ai.request.stop_sequences'] = chat.stop.map(String)
  const format = chat.response_format?.type
  if (format === 'json_object' || format === 'json_schema') attributes['gen_ai.output.type'] = 'json'
  else if (format === 'text') attributes['gen_ai.output.type'] = 'text'
  return attributes
}

/** What the answer says: id, model, finish reasons and token usage. */
export function responseAttributes(
  result: ChatCompletion | EmbeddingResponse | undefined,
): TelemetryAttributes {
  const attributes: TelemetryAttributes = {}
  if (result === undefined) return attributes
  if (typeof result.model === 'string' && result.model !== '')
    attributes['gen_ai.response.model'] = result.model
  const usage = result.usage
  if ('choices' in result) {
    if (typeof result.id === 'string' && result.id !== '') attributes['gen_ai.response.id'] = result.id
    attributes['gen_ai.response.finish_reasons'] = result.choices.map((choice) =>
      String(choice.finish_reason),
    )
    if (usage !== undefined && usage !== null) {
      attributes['gen_ai.usage.input_tokens'] = usage.prompt_tokens
      attributes['gen_ai.usage.output_tokens'] = (usage as ChatCompletion['usage'] & object).completion_tokens
    }
  } else if (usage !== undefined && usage !== null)
    attributes['gen_ai.usage.input_tokens'] = usage.prompt_tokens
  return attributes
}

/**
 * `error.type`: the error's stable code (`LLM_RATE_LIMIT`, `LLM_TIMEOUT`…), else its name
 * (`AbortError`), else `_OTHER`, as the conventions ask for a low-cardinality class.
 */
export function errorType(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { code, name } = error as { code?: unknown; name?: unknown }
    if (typeof code === 'string' && code.startsWith('LLM_')) return code
    if (typeof name === 'string' && name !== '' && name !== 'Error') return name
  }
  return '_OTHER'
}
