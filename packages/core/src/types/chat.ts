/**
 * The OpenAI Chat Completions shapes that every provider answers in.
 * Kept structurally compatible with the `openai` package's types, without depending on it.
 */

/**
 * Who wrote a message.
 * @example
 * const role: ChatRole = 'developer'
 */
export type ChatRole = 'system' | 'developer' | 'user' | 'assistant' | 'tool'

/**
 * A text part of a message's content.
 * @example
 * const part: TextContentPart = { type: 'text', text: 'Describe this image' }
 */
export interface TextContentPart {
  type: 'text'
  text: string
}

/**
 * An image (URL or data URL) in a user message.
 * @example
 * const part: ImageContentPart = { type: 'image_url', image_url: { url: 'data:image/png;base64,…' } }
 */
export interface ImageContentPart {
  type: 'image_url'
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' }
}

/**
 * A part of a multi-part user message.
 * @example
 * const content: ContentPart[] = [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url } }]
 */
export type ContentPart = TextContentPart | ImageContentPart

/**
 * A tool call the model asked for; send it back unchanged in the assistant message.
 * @example
 * const args = JSON.parse(call.function.arguments) // arguments are always a JSON string
 */
export interface ChatCompletionMessageToolCall {
  id: string
  type: 'function'
  function: { name: string; arguments: string }
  /** Provider data that must travel back with the call (Gemini's `thoughtSignature`). */
  provider_metadata?: Record<string, unknown>
}

/**
 * Instructions (`system`, or `developer` for OpenAI reasoning models).
 * @example
 * const message: SystemMessage = { role: 'system', content: 'Answer in French.' }
 */
export interface SystemMessage {
  role: 'system' | 'developer'
  content: string | TextContentPart[]
  name?: string
}

/**
 * What the user said: text or content parts.
 * @example
 * const message: UserMessage = { role: 'user', content: 'Hi' }
 */
export interface UserMessage {
  role: 'user'
  content: string | ContentPart[]
  name?: string
}

/**
 * A block of Anthropic extended thinking, kept so it can be sent back unchanged (Anthropic rejects a
 * tool-use turn whose thinking lost its `signature`). `redacted_thinking` carries encrypted `data`.
 * @example
 * const blocks: ThinkingBlock[] = completion.choices[0].message.thinking_blocks ?? []
 */
export type ThinkingBlock =
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'redacted_thinking'; data: string }

/**
 * An earlier model answer, possibly with the tool calls it asked for. Push the returned message
 * back as it is: each provider gets exactly the fields it accepts (`reasoning` goes back as
 * DeepSeek's `reasoning_content`, `thinking_blocks` as Anthropic's first blocks, and strict servers
 * get neither).
 * @example
 * messages.push(completion.choices[0].message) // a ChatCompletionMessage is an AssistantMessage
 */
export interface AssistantMessage {
  role: 'assistant'
  content?: string | TextContentPart[] | null
  name?: string
  refusal?: string | null
  tool_calls?: ChatCompletionMessageToolCall[]
  /** The reasoning text this answer came with (see `ChatCompletionMessage.reasoning`). */
  reasoning?: string
  /** Accepted as an alias of `reasoning`, as DeepSeek and LiteLLM spell it. */
  reasoning_content?: string
  /** Anthropic thinking blocks, sent back first in the assistant turn. */
  thinking_blocks?: ThinkingBlock[]
  annotations?: unknown[]
}

/**
 * The result of one tool call, linked by `tool_call_id`.
 * @example
 * const message: ToolMessage = { role: 'tool', tool_call_id: call.id, content: JSON.stringify(result) }
 */
export interface ToolMessage {
  role: 'tool'
  content: string | TextContentPart[]
  tool_call_id: string
}

/**
 * Any message of a conversation, in OpenAI's shape.
 * @example
 * const messages: ChatMessage[] = [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }]
 */
export type ChatMessage = SystemMessage | UserMessage | AssistantMessage | ToolMessage

/**
 * A function the model may call, described by a JSON Schema.
 * @example
 * const tool: FunctionTool = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }
 */
export interface FunctionTool {
  type: 'function'
  function: {
    name: string
    description?: string
    parameters?: Record<string, unknown>
    strict?: boolean | null
  }
}

/**
 * Whether and which tool the model must call.
 * @example
 * await llm.completion({ model, messages, tools, tool_choice: { type: 'function', function: { name: 'get_weather' } } })
 */
export type ToolChoice = 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } }

/**
 * Structured output: plain text, any JSON object, or a JSON Schema.
 * @example
 * await llm.completion({ model, messages, response_format: { type: 'json_object' } })
 */
export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema'
      json_schema: {
        name: string
        description?: string
        schema?: Record<string, unknown>
        strict?: boolean | null
      }
    }

/**
 * Token counts; provider-specific details are kept in extra fields.
 * @example
 * const { prompt_tokens, completion_tokens } = completion.usage ?? {}
 */
export interface CompletionUsage {
  prompt_tokens: number
  completion_tokens: number
  total_tokens: number
  prompt_tokens_details?: { cached_tokens?: number; audio_tokens?: number; [key: string]: unknown }
  completion_tokens_details?: { reasoning_tokens?: number; [key: string]: unknown }
  [key: string]: unknown
}

/**
 * Why the model stopped: OpenAI's value where one fits, else the provider's own reason in lower
 * case (`pause_turn`, `malformed_function_call`, …), never collapsed into `stop`. The raw value
 * is in the choice's `native_finish_reason`.
 * @example
 * if (completion.choices[0].finish_reason === 'tool_calls') runTools(completion.choices[0].message)
 */
export type FinishReason =
  | 'stop'
  | 'length'
  | 'tool_calls'
  | 'content_filter'
  | 'function_call'
  | (string & Record<never, never>)

/**
 * The assistant message of a completion.
 * @example
 * const { content, tool_calls, reasoning } = completion.choices[0].message
 */
export interface ChatCompletionMessage {
  role: 'assistant'
  content: string | null
  refusal: string | null
  tool_calls?: ChatCompletionMessageToolCall[]
  /**
   * The one reasoning field of every provider: OpenAI-compatible `reasoning` / `reasoning_content`,
   * Mistral `thinking` chunks, Anthropic thinking, Gemini thought parts, Ollama `thinking`.
   */
  reasoning?: string
  /** Anthropic thinking and redacted_thinking blocks with their signatures, for the round trip. */
  thinking_blocks?: ThinkingBlock[]
  annotations?: unknown[]
}

/**
 * One answer of a completion.
 * @example
 * const [choice] = completion.choices
 */
export interface ChatCompletionChoice {
  index: number
  message: ChatCompletionMessage
  finish_reason: FinishReason | null
  /** The provider's own finish reason as sent (`end_turn`, `MALFORMED_FUNCTION_CALL`, …). */
  native_finish_reason?: string
  logprobs: unknown | null
}

/**
 * A whole completion, in OpenAI's shape whatever the provider.
 * @example
 * const completion: ChatCompletion = await llm.completion({ model: 'openai/gpt-4o-mini', messages })
 */
export interface ChatCompletion {
  id: string
  object: 'chat.completion'
  created: number
  model: string
  choices: ChatCompletionChoice[]
  usage?: CompletionUsage
  system_fingerprint?: string | null
  service_tier?: string | null
}

/**
 * A fragment of a streamed tool call, keyed by `index`.
 * @example
 * for (const fragment of chunk.choices[0]?.delta.tool_calls ?? []) argsByIndex[fragment.index] += fragment.function?.arguments ?? ''
 */
export interface ChatCompletionChunkToolCall {
  index: number
  id?: string
  type?: 'function'
  function?: { name?: string; arguments?: string }
  provider_metadata?: Record<string, unknown>
}

/**
 * What one chunk adds to a choice.
 * @example
 * process.stdout.write(chunk.choices[0]?.delta.content ?? '')
 */
export interface ChatCompletionChunkDelta {
  role?: 'assistant'
  content?: string | null
  refusal?: string | null
  tool_calls?: ChatCompletionChunkToolCall[]
  reasoning?: string
  /** Whole Anthropic thinking blocks, each sent once it is complete (signature included). */
  thinking_blocks?: ThinkingBlock[]
  annotations?: unknown[]
}

/**
 * One choice's part of a stream chunk.
 * @example
 * for (const choice of chunk.choices) console.log(choice.index, choice.delta)
 */
export interface ChatCompletionChunkChoice {
  index: number
  delta: ChatCompletionChunkDelta
  finish_reason: FinishReason | null
  native_finish_reason?: string
  logprobs?: unknown | null
}

/**
 * One streamed chunk, in OpenAI's shape whatever the provider.
 * @example
 * for await (const chunk of llm.stream(request)) handle(chunk as ChatCompletionChunk)
 */
export interface ChatCompletionChunk {
  id: string
  object: 'chat.completion.chunk'
  created: number
  model: string
  choices: ChatCompletionChunkChoice[]
  usage?: CompletionUsage | null
  system_fingerprint?: string | null
  service_tier?: string | null
}

/**
 * One input's embedding vector.
 * @example
 * const vectors = response.data.map((item: EmbeddingItem) => item.embedding)
 */
export interface EmbeddingItem {
  object: 'embedding'
  index: number
  embedding: number[]
}

/**
 * An embedding list, in OpenAI's shape, ordered like the input.
 * @example
 * const response: EmbeddingResponse = await llm.embedding({ model: 'openai/text-embedding-3-small', input: ['a', 'b'] })
 */
export interface EmbeddingResponse {
  object: 'list'
  data: EmbeddingItem[]
  model: string
  usage: { prompt_tokens: number; total_tokens: number }
}
