import { randomUUID } from 'node:crypto'
import { InvalidArgumentError, ResponseParseError } from '../../errors/errors.js'
import type { ChatCompletion, ChatCompletionMessageToolCall, EmbeddingResponse } from '../../types/chat.js'
import type { CompletionRequest, EmbeddingRequest } from '../../types/request.js'
import type {
  ProviderCallContext,
  ProviderDefinition,
  ProviderHttpRequest,
  ProviderResponseContext,
} from '../provider.js'
import { createChatCompletion } from '../shared/create-chat-completion.js'
import { readFunctionTools } from '../shared/read-function-tools.js'
import { convertToOllamaMessages } from './convert-to-ollama-messages.js'
import { mapOllamaFinishReason } from './map-ollama-finish-reason.js'
import { mapOllamaUsage } from './map-ollama-usage.js'
import type { OllamaChatRequest, OllamaChatResponse, OllamaEmbedResponse } from './ollama-api-types.js'
import { createOllamaChunkMapper } from './ollama-chunk-mapper.js'
import { parseOllamaError } from './ollama-error.js'

/**
 * Builds the `/api/chat` body: messages, tools, `options` (temperature, top_p, num_predict, stop,
 * seed) and `format` for `response_format`. `tool_choice: 'none'` leaves the tools out, since
 * Ollama has no tool choice.
 * @example createOllamaRequestBody({ model: 'ollama/llama3.2', messages, max_tokens: 100 }, 'llama3.2', false)
 */
export function createOllamaRequestBody(
  request: CompletionRequest,
  model: string,
  stream: boolean,
): OllamaChatRequest {
  if (!Array.isArray(request.messages)) {
    throw new InvalidArgumentError('messages must be an array', { field: 'messages' })
  }
  const body: OllamaChatRequest = { model, messages: convertToOllamaMessages(request.messages), stream }
  if (request.tools !== undefined && request.tools.length > 0 && request.tool_choice !== 'none') {
    body.tools = readFunctionTools(request.tools).map((tool) => ({ type: 'function', function: tool }))
  }
  const options: NonNullable<OllamaChatRequest['options']> = {}
  if (request.temperature !== undefined) options.temperature = request.temperature
  if (request.top_p !== undefined) options.top_p = request.top_p
  const maxTokens = request.max_completion_tokens ?? request.max_tokens
  if (maxTokens !== undefined) options.num_predict = maxTokens
  if (request.stop !== undefined)
    options.stop = typeof request.stop === 'string' ? [request.stop] : request.stop
  if (request.seed !== undefined) options.seed = request.seed
  if (Object.keys(options).length > 0) body.options = options
  const format = request.response_format
  if (format?.type === 'json_object') body.format = 'json'
  else if (format?.type === 'json_schema') body.format = format.json_schema?.schema ?? 'json'
  return { ...body, ...request.extraBody }
}

/**
 * Maps a non-stream `/api/chat` answer to a ChatCompletion.
 * @example parseOllamaResponse(body, context).usage
 */
export function parseOllamaResponse(body: unknown, context: ProviderResponseContext): ChatCompletion {
  const response = body as OllamaChatResponse | null
  if (typeof response !== 'object' || response === null || Array.isArray(response)) {
    throw new ResponseParseError('Ollama response is not a JSON object', {
      provider: context.provider,
      requestId: context.requestId,
      body,
    })
  }
  if (response.error !== undefined) {
    throw parseOllamaError({ status: 200, headers: context.headers, body: response }, context)
  }
  // A 2xx without a message (`{}`) is no answer, not an empty one.
  if (typeof response.message !== 'object' || response.message === null)
    throw new ResponseParseError('Ollama response has no message', {
      provider: context.provider,
      requestId: context.requestId,
    })
  const toolCalls: ChatCompletionMessageToolCall[] = (response.message?.tool_calls ?? []).map(
    (call, index) => ({
      id: call.id || `call_${index}`,
      type: 'function',
      function: { name: call.function.name, arguments: JSON.stringify(call.function.arguments ?? {}) },
    }),
  )
  const text = response.message?.content ?? response.response ?? ''
  const created = response.created_at === undefined ? Number.NaN : Date.parse(response.created_at)
  return createChatCompletion({
    id: `chatcmpl-${randomUUID()}`,
    created: Math.floor((Number.isNaN(created) ? Date.now() : created) / 1000),
    model: response.model ?? context.model,
    text,
    reasoning: response.message?.thinking ?? '',
    toolCalls,
    finishReason: mapOllamaFinishReason(response.done_reason, toolCalls.length > 0),
    nativeFinishReason: response.done_reason,
    usage: mapOllamaUsage(response),
  })
}

function headers(context: ProviderCallContext): Record<string, string> {
  const result: Record<string, string> = { 'content-type': 'application/json', ...context.headers }
  if (context.apiKey !== undefined && context.apiKey !== '') result.authorization = `Bearer ${context.apiKey}`
  return result
}

const baseUrl = (context: ProviderCallContext): string => context.baseUrl.replace(/\/+$/, '')

/**
 * Builds `POST {base}/api/embed` with `{model, input}` (a string or an array).
 * @example createOllamaEmbeddingRequest({ model: 'ollama/all-minilm', input: 'hi' }, context)
 */
export function createOllamaEmbeddingRequest(
  request: EmbeddingRequest,
  context: ProviderCallContext,
): ProviderHttpRequest {
  const input: unknown = request.input
  if (
    typeof input !== 'string' &&
    !(Array.isArray(input) && input.length > 0 && input.every((item) => typeof item === 'string'))
  ) {
    throw new InvalidArgumentError('input must be a string or a non-empty array of strings', {
      field: 'input',
    })
  }
  const body = {
    model: context.model,
    input,
    ...(request.dimensions === undefined ? {} : { dimensions: request.dimensions }),
    ...request.extraBody,
  }
  return {
    method: 'POST',
    url: `${baseUrl(context)}/api/embed`,
    headers: headers(context),
    body: JSON.stringify(body),
  }
}

/**
 * Maps `{embeddings: [[…]]}` to an OpenAI embedding list.
 * @example parseOllamaEmbeddingResponse({ embeddings: [[0.1]] }, context).data[0].embedding // [0.1]
 */
export function parseOllamaEmbeddingResponse(
  body: unknown,
  context: Omit<ProviderResponseContext, 'request'>,
): EmbeddingResponse {
  const response = body as OllamaEmbedResponse | null
  if (!Array.isArray(response?.embeddings) || !response.embeddings.every(Array.isArray)) {
    throw new ResponseParseError('Ollama embedding response has no embeddings', {
      provider: context.provider,
      requestId: context.requestId,
      body,
    })
  }
  const tokens = response.prompt_eval_count ?? 0
  return {
    object: 'list',
    data: response.embeddings.map((embedding, index) => ({ object: 'embedding', index, embedding })),
    model: response.model ?? context.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  }
}

/**
 * The `ollama/<model>` provider: Ollama's native API (`/api/chat` with NDJSON streaming,
 * `/api/embed`) at `http://127.0.0.1:11434` or OLLAMA_BASE_URL. No key needed; OLLAMA_API_KEY is
 * sent as a bearer token when set.
 * @example
 * await llm.completion({ model: 'ollama/llama3.2', messages: [{ role: 'user', content: 'Hi' }] })
 */
export const ollamaProvider: ProviderDefinition = {
  name: 'ollama',
  apiKeyEnv: ['OLLAMA_API_KEY'],
  apiKeyRequired: false,
  defaultBaseUrl: 'http://127.0.0.1:11434',
  baseUrlEnv: ['OLLAMA_BASE_URL'],
  streamFormat: 'ndjson',
  createChatRequest(request, context, options) {
    const body = createOllamaRequestBody(request, context.model, options.stream)
    return {
      method: 'POST',
      url: `${baseUrl(context)}/api/chat`,
      headers: headers(context),
      body: JSON.stringify(body),
    }
  },
  parseChatResponse: parseOllamaResponse,
  createChunkMapper: createOllamaChunkMapper,
  createEmbeddingRequest: createOllamaEmbeddingRequest,
  parseEmbeddingResponse: parseOllamaEmbeddingResponse,
  parseError: parseOllamaError,
}
