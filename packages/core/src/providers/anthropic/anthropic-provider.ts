import { InvalidArgumentError, ResponseParseError } from '../../errors/errors.js'
import type { ChatCompletion, ChatCompletionMessageToolCall, ThinkingBlock } from '../../types/chat.js'
import type { CompletionRequest } from '../../types/request.js'
import type {
  ProviderCallContext,
  ProviderDefinition,
  ProviderHttpRequest,
  ProviderResponseContext,
} from '../provider.js'
import { createChatCompletion } from '../shared/create-chat-completion.js'
import type { AnthropicMessagesRequest, AnthropicMessagesResponse } from './anthropic-api-types.js'
import { createAnthropicChunkMapper } from './anthropic-chunk-mapper.js'
import { parseAnthropicError } from './anthropic-error.js'
import { convertToAnthropicMessages } from './convert-to-anthropic-messages.js'
import { mapAnthropicStopReason } from './map-anthropic-finish-reason.js'
import { mapAnthropicUsage } from './map-anthropic-usage.js'
import { prepareAnthropicTools } from './prepare-anthropic-tools.js'
import { readAnthropicThinkingBlock } from './read-anthropic-thinking-block.js'

/** The `anthropic-version` header every request carries (the SDK's hard-coded default). */
export const ANTHROPIC_VERSION = '2023-06-01'
/** Sent when the caller gives neither `max_tokens` nor `max_completion_tokens`; the API requires one. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096

/**
 * Builds the Messages API request body from an OpenAI-shaped request. Validates before any I/O.
 * @example createAnthropicRequestBody({ model: 'anthropic/claude-sonnet-4-5', messages }, 'claude-sonnet-4-5', false)
 */
export function createAnthropicRequestBody(
  request: CompletionRequest,
  model: string,
  stream: boolean,
): AnthropicMessagesRequest {
  if (!Array.isArray(request.messages)) {
    throw new InvalidArgumentError('messages must be an array', { field: 'messages' })
  }
  if (request.response_format !== undefined && request.response_format.type !== 'text') {
    throw new InvalidArgumentError(
      'response_format is not supported by the anthropic provider; describe the format in the prompt or pass output_config in extraBody',
      { field: 'response_format' },
    )
  }
  const { system, messages } = convertToAnthropicMessages(request.messages)
  const maxTokens = request.max_completion_tokens ?? request.max_tokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS
  const body: AnthropicMessagesRequest = { model, max_tokens: maxTokens, messages }
  if (system !== undefined) body.system = system
  if (request.stop !== undefined)
    body.stop_sequences = typeof request.stop === 'string' ? [request.stop] : request.stop
  if (request.temperature !== undefined) body.temperature = request.temperature
  if (request.top_p !== undefined) body.top_p = request.top_p
  if (request.user !== undefined) body.metadata = { user_id: request.user }
  Object.assign(body, prepareAnthropicTools(request))
  if (stream) body.stream = true
  return { ...body, ...request.extraBody }
}

/**
 * Maps a Messages API response to a ChatCompletion: text blocks joined, `tool_use` blocks as
 * `tool_calls` (input stringified), thinking text as `reasoning` and the thinking blocks themselves
 * (signatures, redacted ones) as `thinking_blocks` for the round trip; other block types skipped.
 * @example parseAnthropicResponse(body, context).choices[0].message.content
 */
export function parseAnthropicResponse(body: unknown, context: ProviderResponseContext): ChatCompletion {
  const response = body as Partial<AnthropicMessagesResponse> | undefined
  if (typeof response !== 'object' || response === null || !Array.isArray(response.content)) {
    throw new ResponseParseError('Anthropic response has no content array', {
      provider: context.provider,
      requestId: context.requestId,
      body,
    })
  }
  let text = ''
  let reasoning = ''
  const toolCalls: ChatCompletionMessageToolCall[] = []
  const thinkingBlocks: ThinkingBlock[] = []
  for (const block of response.content) {
    const thinking = readAnthropicThinkingBlock(block)
    if (thinking !== undefined) thinkingBlocks.push(thinking)
    if (block.type === 'text' && typeof block.text === 'string') text += block.text
    else if (block.type === 'thinking' && typeof block.thinking === 'string') reasoning += block.thinking
    else if (block.type === 'tool_use') {
      toolCalls.push({
        id: block.id ?? '',
        type: 'function',
        function: { name: block.name ?? '', arguments: JSON.stringify(block.input ?? {}) },
      })
    }
  }
  return createChatCompletion({
    id: response.id ?? '',
    created: Math.floor(Date.now() / 1000),
    model: response.model ?? context.model,
    text,
    reasoning,
    toolCalls,
    finishReason: mapAnthropicStopReason(response.stop_reason) ?? 'stop',
    nativeFinishReason: response.stop_reason ?? undefined,
    thinkingBlocks,
    usage: response.usage ? mapAnthropicUsage(response.usage) : undefined,
  })
}

function createAnthropicChatRequest(
  request: CompletionRequest,
  context: ProviderCallContext,
  options: { stream: boolean },
): ProviderHttpRequest {
  const body = createAnthropicRequestBody(request, context.model, options.stream)
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'anthropic-version': ANTHROPIC_VERSION,
    ...context.headers,
  }
  if (context.apiKey !== undefined) headers['x-api-key'] = context.apiKey
  return {
    method: 'POST',
    url: `${context.baseUrl.replace(/\/+$/, '')}/v1/messages`,
    headers,
    body: JSON.stringify(body),
  }
}

/**
 * The `anthropic/<model>` provider: Anthropic's Messages API (`POST {baseUrl}/v1/messages`), key from
 * `ANTHROPIC_API_KEY` sent as `x-api-key`, SSE streaming. Default `max_tokens` is 4096.
 * @example
 * await llm.completion({ model: 'anthropic/claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hi' }] })
 */
export const anthropicProvider: ProviderDefinition = {
  name: 'anthropic',
  apiKeyEnv: ['ANTHROPIC_API_KEY'],
  apiKeyRequired: true,
  defaultBaseUrl: 'https://api.anthropic.com',
  baseUrlEnv: ['ANTHROPIC_BASE_URL'],
  streamFormat: 'sse',
  createChatRequest: createAnthropicChatRequest,
  parseChatResponse: parseAnthropicResponse,
  createChunkMapper: createAnthropicChunkMapper,
  parseError: parseAnthropicError,
}
