import type { ProviderError } from '../errors/errors.js'
import type { ChatCompletion, ChatCompletionChunk, EmbeddingResponse } from '../types/chat.js'
import type { CompletionRequest, EmbeddingRequest } from '../types/request.js'

/**
 * The contract between the client runtime (client/) and one wire format (providers/<name>/).
 * A provider only maps: it builds HTTP requests and turns bodies and stream events into the
 * OpenAI shapes. All I/O, retries, timeouts and stream framing belong to the client, so every
 * byte goes through the session.
 */

/** One HTTP request a provider wants sent. The client sends it through the call's session. */
export interface ProviderHttpRequest {
  method: 'GET' | 'POST'
  url: string
  headers: Record<string, string>
  body?: string
}

/** A response the client read for a provider: status, lower-cased headers, parsed JSON (or text). */
export interface ProviderHttpResponse {
  status: number
  headers: Record<string, string>
  body: unknown
}

/** The settings a provider gets for one call, resolved by the client (request, then client config, then environment). */
export interface ProviderCallContext {
  /** The provider name as routed, e.g. `groq` for `groq/llama-3.3-70b`. */
  provider: string
  /** The model part of the model string. */
  model: string
  apiKey: string | undefined
  baseUrl: string
  /** Extra headers from client config and the call. */
  headers: Record<string, string>
  /** This provider's section of `ClientOptions.providers` (e.g. Azure `apiVersion`, Vertex `project`). */
  settings: Readonly<Record<string, unknown>>
  /** Sends a side request through the SAME session (Vertex token exchange). Never open another client. */
  send(request: ProviderHttpRequest): Promise<ProviderHttpResponse>
  signal: AbortSignal
}

/** What a provider knows when mapping a response. */
export interface ProviderResponseContext {
  provider: string
  model: string
  requestId: string | undefined
  headers: Record<string, string>
  /** The request as the caller gave it, for providers that need it while mapping. */
  request: CompletionRequest
}

/**
 * One framed stream event: an SSE event, one NDJSON line (`event` undefined, `data` the line), or
 * one AWS event-stream message (`event` its `:event-type` or `:exception-type`, `data` the payload).
 */
export interface StreamEvent {
  event?: string | undefined
  data: string
  /** AWS event streams only: `:message-type` (`event`, `exception` or `error`). */
  messageType?: string | undefined
}

/** Maps a provider's stream events to OpenAI chunks, keeping whatever state the format needs. */
export interface ChunkMapper {
  /** Zero or more chunks for one event. Throws a `ProviderError` for an error event in a 200 stream. */
  map(event: StreamEvent): ChatCompletionChunk[]
  /**
   * True once the format's terminator was seen (`[DONE]`, `message_stop`, `done: true`): the stream
   * completes at once, whatever the server does with the connection afterwards.
   */
  readonly finished: boolean
  /**
   * True when the body may end here without losing anything, though no terminator came: every
   * choice has its finish reason (servers that omit `[DONE]`; Gemini, which ends at EOF).
   */
  readonly complete?: boolean
}

/** How the client finds keys and base URLs for a provider. */
export interface ProviderDefinition {
  readonly name: string
  /** Environment variables holding the key, first found wins. Empty when the provider needs no key. */
  readonly apiKeyEnv: readonly string[]
  readonly apiKeyRequired: boolean
  readonly defaultBaseUrl?: string
  /** Environment variables holding a base URL, first found wins. */
  readonly baseUrlEnv?: readonly string[]
  readonly streamFormat: 'sse' | 'ndjson' | 'eventstream'
  /**
   * True when calls carry credentials that are not the call's key (Vertex: an OAuth token from the
   * service account; Bedrock: a SigV4 signature). A per-call base URL is then refused unless allowed, even with a key of its own.
   */
  readonly sendsAmbientCredentials?: boolean
  /** Settings of this provider's `ClientOptions.providers` section beside apiKey, baseUrl and headers. */
  readonly settingNames?: readonly string[]
  createChatRequest(
    request: CompletionRequest,
    context: ProviderCallContext,
    options: { stream: boolean },
  ): ProviderHttpRequest | Promise<ProviderHttpRequest>
  parseChatResponse(body: unknown, context: ProviderResponseContext): ChatCompletion
  createChunkMapper(context: ProviderResponseContext): ChunkMapper
  createEmbeddingRequest?(
    request: EmbeddingRequest,
    context: ProviderCallContext,
  ): ProviderHttpRequest | Promise<ProviderHttpRequest>
  parseEmbeddingResponse?(body: unknown, context: Omit<ProviderResponseContext, 'request'>): EmbeddingResponse
  /** Maps an HTTP error status and its body to the error taxonomy. */
  parseError(
    response: ProviderHttpResponse,
    context: { provider: string; requestId: string | undefined },
  ): ProviderError
}
