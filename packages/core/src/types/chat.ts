/**
 * The OpenAI Chat Completions shapes that every provider answers in.
 * Kept structurally compatible with the `openai` package's types, without depending on it.
 */

export type ChatRole = 'system' | 'developer' | 'user' | 'assistant' | 'tool'

export interface TextContentPart {
  type: 'text'
  text: string
}

export interface ImageContentPart {
  type: 'image_url'
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' }
}

export type ContentPart = TextContentPart | ImageContentPart

export interface ChatCompletionMessageToolCall {
  id: string
  type: 'function'
  function: { name: string; arguments: string }
  /** Provider data that must travel back with the call (Gemini's `thoughtSignature`). */
  provider_metadata?: Record<string, unknown>
}

export interface SystemMessage {
  role: 'system' | 'developer'
  content: string | TextContentPart[]
  name?: string
}

export interface UserMessage {
  role: 'user'
  content: string | ContentPart[]
  name?: string
}

export interface AssistantMessage {
  role: 'assistant'
  content?: string | TextContentPart[] | null
  name?: string
  refusal?: string | null
  tool_calls?: ChatCompletionMessageToolCall[]
}

export interface ToolMessage {
  role: 'tool'
  content: string | TextContentPart[]
  tool_call_id: string
}

export type ChatMessage = SystemMessage | UserMessage | AssistantMessage | ToolMessage

export interface FunctionTool {
  type: 'function'
  function: {
    name: string
    description?: string
    parameters?: Record<string, unknown>
    strict?: boolean | null
  }
}

export type ToolChoice = 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } }

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

export interface CompletionUsage {
  prompt_tokens: number
  completion_tokens: number
  total_tokens: number
  prompt_tokens_details?: { cached_tokens?: number; audio_tokens?: number; [key: string]: unknown }
  completion_tokens_details?: { reasoning_tokens?: number; [key: string]: unknown }
  [key: string]: unknown
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call'

export interface ChatCompletionMessage {
  role: 'assistant'
  content: string | null
  refusal: string | null
  tool_calls?: ChatCompletionMessageToolCall[]
  /** Reasoning text some providers send beside the answer (`reasoning`, `reasoning_content`, thinking). */
  reasoning?: string
  annotations?: unknown[]
}

export interface ChatCompletionChoice {
  index: number
  message: ChatCompletionMessage
  finish_reason: FinishReason | null
  logprobs: unknown | null
}

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

export interface ChatCompletionChunkToolCall {
  index: number
  id?: string
  type?: 'function'
  function?: { name?: string; arguments?: string }
  provider_metadata?: Record<string, unknown>
}

export interface ChatCompletionChunkDelta {
  role?: 'assistant'
  content?: string | null
  refusal?: string | null
  tool_calls?: ChatCompletionChunkToolCall[]
  reasoning?: string
}

export interface ChatCompletionChunkChoice {
  index: number
  delta: ChatCompletionChunkDelta
  finish_reason: FinishReason | null
  logprobs?: unknown | null
}

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

export interface EmbeddingItem {
  object: 'embedding'
  index: number
  embedding: number[]
}

export interface EmbeddingResponse {
  object: 'list'
  data: EmbeddingItem[]
  model: string
  usage: { prompt_tokens: number; total_tokens: number }
}
