/** Ollama native API wire types (`/api/chat`, `/api/embed`): only the fields we use. */

export interface OllamaToolCall {
  id?: string
  function: { index?: number; name: string; arguments: Record<string, unknown> }
}

export interface OllamaMessage {
  role: 'system' | 'user' | 'assistant' | 'tool'
  content: string
  images?: string[]
  tool_calls?: OllamaToolCall[]
  tool_name?: string
  thinking?: string
}

export interface OllamaChatRequest {
  model: string
  messages: OllamaMessage[]
  stream: boolean
  tools?: Array<{
    type: 'function'
    function: { name: string; description?: string; parameters?: Record<string, unknown> }
  }>
  format?: 'json' | Record<string, unknown>
  options?: { temperature?: number; top_p?: number; num_predict?: number; stop?: string[]; seed?: number }
  [key: string]: unknown
}

/** One `/api/chat` response object, or one NDJSON line of a stream (`/api/generate` uses `response`). */
export interface OllamaChatResponse {
  model?: string
  created_at?: string
  message?: { role?: string; content?: string; thinking?: string; tool_calls?: OllamaToolCall[] }
  response?: string
  done?: boolean
  done_reason?: string
  prompt_eval_count?: number
  eval_count?: number
  error?: unknown
}

export interface OllamaEmbedResponse {
  model?: string
  embeddings?: number[][]
  prompt_eval_count?: number
}
