/** Anthropic Messages API wire types: only the fields we send or read. */

export interface AnthropicTextBlock {
  type: 'text'
  text: string
}

export interface AnthropicImageBlock {
  type: 'image'
  source: { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string }
}

export interface AnthropicToolUseBlock {
  type: 'tool_use'
  id: string
  name: string
  input: Record<string, unknown>
}

export interface AnthropicToolResultBlock {
  type: 'tool_result'
  tool_use_id: string
  content: string | AnthropicTextBlock[]
}

/** Extended thinking, sent back unchanged: Anthropic checks the `signature`. */
export interface AnthropicThinkingBlock {
  type: 'thinking'
  thinking: string
  signature: string
}

export interface AnthropicRedactedThinkingBlock {
  type: 'redacted_thinking'
  data: string
}

export type AnthropicContentBlock =
  | AnthropicThinkingBlock
  | AnthropicRedactedThinkingBlock
  | AnthropicTextBlock
  | AnthropicImageBlock
  | AnthropicToolUseBlock
  | AnthropicToolResultBlock

export interface AnthropicMessage {
  role: 'user' | 'assistant'
  content: AnthropicContentBlock[]
}

export interface AnthropicTool {
  name: string
  description?: string
  input_schema: Record<string, unknown>
}

export type AnthropicToolChoice = (
  | { type: 'auto' }
  | { type: 'any' }
  | { type: 'none' }
  | { type: 'tool'; name: string }
) & { disable_parallel_tool_use?: boolean }

export interface AnthropicMessagesRequest {
  model: string
  max_tokens: number
  messages: AnthropicMessage[]
  system?: AnthropicTextBlock[]
  stop_sequences?: string[]
  temperature?: number
  top_p?: number
  tools?: AnthropicTool[]
  tool_choice?: AnthropicToolChoice
  metadata?: { user_id: string }
  stream?: boolean
  [key: string]: unknown
}

export interface AnthropicUsage {
  input_tokens?: number | null
  output_tokens?: number | null
  cache_creation_input_tokens?: number | null
  cache_read_input_tokens?: number | null
  [key: string]: unknown
}

/** A response content block; unknown block types (server tools, thinking) keep their own fields. */
export interface AnthropicResponseBlock {
  type: string
  text?: string
  thinking?: string
  signature?: string
  /** `redacted_thinking`: the encrypted thinking. */
  data?: string
  id?: string
  name?: string
  input?: unknown
}

export interface AnthropicMessagesResponse {
  id: string
  type: 'message'
  role: 'assistant'
  model: string
  content: AnthropicResponseBlock[]
  stop_reason: string | null
  stop_sequence: string | null
  usage?: AnthropicUsage
}

export interface AnthropicErrorBody {
  type: 'error'
  error: { type: string; message: string; details?: { error_code?: string } | null }
  request_id?: string
}

/** One decoded stream event (`data:` JSON); `type` equals the SSE `event:` name. */
export interface AnthropicStreamPayload {
  type: string
  index?: number
  message?: Partial<AnthropicMessagesResponse>
  content_block?: AnthropicResponseBlock
  delta?: {
    type?: string
    text?: string
    partial_json?: string
    thinking?: string
    signature?: string
    stop_reason?: string | null
  }
  usage?: AnthropicUsage
  error?: AnthropicErrorBody['error']
}
