/** The OpenAI wire shapes we read loosely: providers add and omit fields, so every field is optional. */

export interface OpenAIErrorPayload {
  message?: unknown
  type?: unknown
  code?: unknown
  param?: unknown
  status_code?: unknown
  metadata?: unknown
  [key: string]: unknown
}

export interface OpenAIChunkToolCall {
  index?: number
  id?: string
  type?: string
  function?: { name?: string; arguments?: string }
}

export interface OpenAIChunkDelta {
  role?: string
  /** A string, or Mistral's typed chunks (`thinking`, `text`). */
  content?: string | null | unknown[]
  refusal?: string | null
  tool_calls?: OpenAIChunkToolCall[] | null
  reasoning?: string | null
  reasoning_content?: string | null
  [key: string]: unknown
}

export interface OpenAIChunkPayload {
  id?: string
  object?: string
  created?: number
  model?: string
  choices?: Array<{
    index?: number
    delta?: OpenAIChunkDelta
    finish_reason?: string | null
    /** OpenRouter: the upstream provider's own reason. */
    native_finish_reason?: string | null
    logprobs?: unknown
  }>
  usage?: Record<string, unknown> | null
  x_groq?: { usage?: Record<string, unknown> }
  system_fingerprint?: string | null
  service_tier?: string | null
  error?: OpenAIErrorPayload | string
}
