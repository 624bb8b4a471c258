import type { ChatCompletion, EmbeddingResponse } from '../types/chat.js'
import type { CompletionRequest, EmbeddingRequest } from '../types/request.js'
import type { ChatStream } from './chat-stream.js'
import { createClient, type LlmClient } from './create-client.js'

let defaultClient: LlmClient | undefined
// Created on first use; with no session it resolves the default session per call.
const client = () => {
  defaultClient ??= createClient()
  return defaultClient
}

/**
 * LiteLLM-style completion on the default session, or on `request.session` (an LlmSession or any
 * undici Dispatcher). Keys come from `request.apiKey` or the environment.
 * @example
 * const res = await completion({ model: 'groq/llama-3.3-70b-versatile', messages, session })
 */
export function completion(request: CompletionRequest): Promise<ChatCompletion> {
  return client().completion(request)
}

/**
 * LiteLLM-style streaming completion.
 * @example
 * for await (const chunk of stream({ model: 'openai/gpt-4o-mini', messages })) console.log(chunk)
 */
export function stream(request: CompletionRequest): ChatStream {
  return client().stream(request)
}

/**
 * LiteLLM-style embeddings.
 * @example
 * const { data } = await embedding({ model: 'openai/text-embedding-3-small', input: 'hello' })
 */
export function embedding(request: EmbeddingRequest): Promise<EmbeddingResponse> {
  return client().embedding(request)
}
