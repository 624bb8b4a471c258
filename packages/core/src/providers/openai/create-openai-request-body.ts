import type { CompletionRequest } from '../../types/request.js'
import { convertToOpenAIMessages } from './convert-to-openai-messages.js'
import { maxTokensFieldFor, type OpenAICompatibility } from './openai-compatibility.js'

const passedFields = [
  'tool_choice',
  'temperature',
  'top_p',
  'response_format',
  'stop',
  'parallel_tool_calls',
] as const

/** What decides the body beside the request. */
export interface OpenAIRequestBodyOptions {
  model: string
  stream: boolean
  compatibility: OpenAICompatibility
  /** Whether the server knows `stream_options` (old Azure API versions and Mistral do not). */
  streamOptions: boolean
}

/**
 * The Chat Completions body for one server: the request's fields, minus what that server rejects.
 * `tools: []` is never sent (OpenAI answers 400 `empty array`), and with it goes `tool_choice`.
 * `extraBody` is merged last and wins.
 * @example
 * createOpenAIRequestBody(request, { model: 'gpt-4o-mini', stream: false, compatibility: openAICompatibility, streamOptions: true })
 */
export function createOpenAIRequestBody(
  request: CompletionRequest,
  options: OpenAIRequestBodyOptions,
): Record<string, unknown> {
  const { compatibility } = options
  const body: Record<string, unknown> = {
    model: options.model,
    messages: convertToOpenAIMessages(request.messages, compatibility),
  }
  const hasTools = Array.isArray(request.tools) && request.tools.length > 0
  if (hasTools) body.tools = request.tools
  for (const field of passedFields) if (request[field] !== undefined) body[field] = request[field]
  if (!hasTools) {
    delete body.tool_choice
    delete body.parallel_tool_calls
  }
  const maxTokens = request.max_completion_tokens ?? request.max_tokens
  if (maxTokens !== undefined) {
    const given = request.max_completion_tokens === undefined ? 'max_tokens' : 'max_completion_tokens'
    body[maxTokensFieldFor(compatibility, options.model, given)] = maxTokens
  }
  if (request.seed !== undefined) body[compatibility.strict ? 'random_seed' : 'seed'] = request.seed
  if (request.user !== undefined && !compatibility.strict) body.user = request.user
  if (options.stream) {
    body.stream = true
    const streamOptions =
      request.stream_options === undefined
        ? options.streamOptions
          ? { include_usage: true }
          : undefined
        : request.stream_options
    if (streamOptions != null) body.stream_options = streamOptions
  }
  Object.assign(body, request.extraBody)
  return body
}
