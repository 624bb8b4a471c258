/**
 * What real providers check in a request, as their docs and error messages state, so a loopback
 * server can refuse what the real one would. Each returns the provider's error message, or
 * undefined when the request is accepted.
 */
type Body = Record<string, unknown>
type Message = Record<string, unknown>

const extraKeys = (value: object, allowed: readonly string[]): string[] =>
  Object.keys(value).filter((key) => !allowed.includes(key))

/** OpenAI Chat Completions: assistant params have no annotations/reasoning; `tools` is never `[]`. */
export function checkOpenAIRequest(body: Body): string | undefined {
  if (Array.isArray(body.tools) && body.tools.length === 0)
    return "Invalid 'tools': empty array. Expected an array with minimum length 1"
  if (typeof body.model === 'string' && /^(o\d|gpt-5)/.test(body.model) && body.max_tokens !== undefined)
    return "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead."
  for (const [index, message] of (body.messages as Message[]).entries()) {
    if (message.role !== 'assistant') continue
    const extra = extraKeys(message, [
      'role',
      'content',
      'name',
      'refusal',
      'tool_calls',
      'audio',
      'function_call',
    ])
    if (extra.length > 0) return `Unrecognized request argument supplied: messages[${index}].${extra[0]}`
  }
  return undefined
}

/** DeepSeek thinking mode: an assistant turn with tool calls must carry its `reasoning_content`. */
export function checkDeepSeekRequest(body: Body): string | undefined {
  if (body.max_completion_tokens !== undefined) return 'Unknown parameter: max_completion_tokens'
  for (const [index, message] of (body.messages as Message[]).entries()) {
    if (message.role !== 'assistant') continue
    if (Array.isArray(message.tool_calls) && typeof message.reasoning_content !== 'string')
      return `Missing \`reasoning_content\` field in the assistant message at message index ${index}`
    const extra = extraKeys(message, ['role', 'content', 'name', 'tool_calls', 'reasoning_content', 'prefix'])
    if (extra.length > 0) return `messages[${index}]: unknown field ${extra[0]}`
  }
  return undefined
}

const mistralFields = [
  'model',
  'messages',
  'temperature',
  'top_p',
  'max_tokens',
  'stream',
  'stop',
  'random_seed',
  'response_format',
  'tools',
  'tool_choice',
  'presence_penalty',
  'frequency_penalty',
  'n',
  'prediction',
  'parallel_tool_calls',
  'prompt_mode',
  'safe_prompt',
]
const mistralMessageFields: Record<string, string[]> = {
  system: ['role', 'content'],
  user: ['role', 'content'],
  assistant: ['role', 'content', 'tool_calls', 'prefix'],
  tool: ['role', 'content', 'tool_call_id', 'name'],
}

/** Mistral: every model is `extra="forbid"` (422 extra_forbidden), top level, messages and tool calls. */
export function checkMistralRequest(body: Body): string | undefined {
  const top = extraKeys(body, mistralFields)
  if (top.length > 0) return `body.${top[0]}: Extra inputs are not permitted`
  for (const [index, message] of (body.messages as Message[]).entries()) {
    const allowed = mistralMessageFields[message.role as string]
    if (allowed === undefined)
      return `body.messages.${index}.role: Input should be 'system', 'user', 'assistant' or 'tool'`
    const extra = extraKeys(message, allowed)
    if (extra.length > 0)
      return `body.messages.${index}.${message.role}.${extra[0]}: Extra inputs are not permitted`
    for (const call of (message.tool_calls as Message[] | undefined) ?? []) {
      const callExtra = extraKeys(call, ['id', 'type', 'function', 'index'])
      if (callExtra.length > 0)
        return `body.messages.${index}.tool_calls.${callExtra[0]}: Extra inputs are not permitted`
    }
  }
  return undefined
}

/** Groq: assistant messages take role, content, name, reasoning, tool_calls, function_call only. */
export function checkGroqRequest(body: Body): string | undefined {
  for (const [index, message] of (body.messages as Message[]).entries()) {
    if (message.role !== 'assistant') continue
    const extra = extraKeys(message, ['role', 'content', 'name', 'reasoning', 'tool_calls', 'function_call'])
    if (extra.length > 0)
      return `'messages.${index}' : for 'role:assistant' the following must be satisfied[('messages.${index}.${extra[0]}' : property '${extra[0]}' is unsupported)]`
  }
  return undefined
}

/**
 * Anthropic with extended thinking: the final assistant turn must start with a thinking or
 * redacted_thinking block, and a thinking block must keep the signature it was sent with.
 * No message may have empty content.
 */
export function checkAnthropicRequest(body: Body, signatures: ReadonlySet<string>): string | undefined {
  const messages = body.messages as Array<{ role: string; content: Array<Record<string, unknown>> | string }>
  for (const [index, message] of messages.entries())
    if (Array.isArray(message.content) && message.content.length === 0)
      return `messages.${index}: all messages must have non-empty content except for the optional final assistant message`
  if (body.thinking === undefined) return undefined
  const lastAssistant = messages.findLastIndex((message) => message.role === 'assistant')
  if (lastAssistant === -1) return undefined
  const content = messages[lastAssistant]!.content
  const first = Array.isArray(content) ? content[0] : undefined
  if (first?.type !== 'thinking' && first?.type !== 'redacted_thinking')
    return `messages.${lastAssistant}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${String(first?.type ?? 'text')}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block.`
  for (const block of content as Array<Record<string, unknown>>)
    if (block.type === 'thinking' && !signatures.has(block.signature as string))
      return `messages.${lastAssistant}.content: Invalid \`signature\` in \`thinking\` block`
  return undefined
}

/** Gemini 3: a model turn's functionCall part must echo the thoughtSignature it came with. */
export function checkGeminiRequest(body: Body): string | undefined {
  const contents = body.contents as Array<{ role: string; parts: Array<Record<string, unknown>> }>
  for (const [index, content] of contents.entries())
    for (const part of content.parts)
      if (
        content.role === 'model' &&
        part.functionCall !== undefined &&
        typeof part.thoughtSignature !== 'string'
      )
        return `Function call is missing a thought_signature in functionCall parts. contents[${index}]`
  return undefined
}
