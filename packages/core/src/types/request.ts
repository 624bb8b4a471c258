import type { Dispatcher } from 'undici'
import type { ChatMessage, FunctionTool, ResponseFormat, ToolChoice } from './chat.js'

/**
 * What the client needs of a session. `LlmSession` (session/) satisfies it.
 * @example
 * await completion({ model, messages, session: createSession() }) // an LlmSession is a SessionLike
 */
export interface SessionLike {
  readonly id: string
  readonly dispatcher: Dispatcher
  readonly closed: boolean
}

/**
 * Per-call options shared by completion, stream and embedding.
 * @example
 * await llm.completion({ model, messages, signal, timeout: 30_000, retries: 0, session: agent })
 */
export interface CallOptions {
  signal?: AbortSignal
  /** Total milliseconds for the call, retries included. Default: the client's, 10 minutes. */
  timeout?: number
  /** Retries after the first attempt. Default: the client's, 2. */
  retries?: number
  apiKey?: string
  baseUrl?: string
  headers?: Record<string, string>
  /** Per-call session injection: an LlmSession or any undici Dispatcher. */
  session?: SessionLike | Dispatcher
}

/**
 * A chat completion request: OpenAI body fields plus the per-call options.
 * @example
 * const request: CompletionRequest = { model: 'anthropic/claude-sonnet-4-5', messages, max_tokens: 1024 }
 */
export interface CompletionRequest extends CallOptions {
  /** `provider/model`, e.g. `openai/gpt-4o`, `anthropic/claude-sonnet-4-5`, `azure/my-deployment`. */
  model: string
  messages: ChatMessage[]
  tools?: FunctionTool[]
  tool_choice?: ToolChoice
  temperature?: number
  top_p?: number
  max_tokens?: number
  max_completion_tokens?: number
  response_format?: ResponseFormat
  stop?: string | string[]
  seed?: number
  user?: string
  parallel_tool_calls?: boolean
  /**
   * OpenAI family, streams only: sent as given; `null` sends none. Default `{ include_usage: true }`,
   * except for servers that reject the field (Mistral, Azure API versions before 2024-07-01-preview).
   */
  stream_options?: { include_usage?: boolean; [key: string]: unknown } | null
  /** Milliseconds allowed between two stream chunks before a `TimeoutError` (idle). */
  idleTimeout?: number
  /**
   * Streams only: total milliseconds from the first byte of the body to its end. Default none: a
   * long reasoning stream that keeps sending is never cut (`timeout` stops at the first byte).
   */
  streamTimeout?: number
  /** Provider-specific body fields passed through as they are. */
  extraBody?: Record<string, unknown>
}

/**
 * An embedding request: OpenAI body fields plus the per-call options.
 * @example
 * const request: EmbeddingRequest = { model: 'gemini/text-embedding-004', input: ['a', 'b'] }
 */
export interface EmbeddingRequest extends CallOptions {
  model: string
  input: string | string[]
  dimensions?: number
  user?: string
  /** Provider-specific body fields (OpenAI `encoding_format`, Gemini `taskType`), merged last. */
  extraBody?: Record<string, unknown>
}

/**
 * What a result tells beside its OpenAI shape. Read it with `getCallInfo(result)`.
 * @example
 * const info: CallInfo | undefined = getCallInfo(completion)
 * info?.attempts
 */
export interface CallInfo {
  provider: string
  model: string
  sessionId: string | undefined
  attempts: number
  latencyMs: number
  requestId: string | undefined
  /** Rate-limit response headers as sent (`x-ratelimit-*`, `anthropic-ratelimit-*`). */
  rateLimit: Record<string, string>
  /** The id of the deployment of a model group that answered (completions, embeddings and streams). */
  deployment?: string
}
