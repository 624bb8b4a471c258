import type { CompletionRequest, EmbeddingRequest } from '../../types/request.js'
import type { ProviderCallContext, ProviderDefinition, ProviderHttpRequest } from '../provider.js'
import { encodeModelPathSegment } from '../shared/encode-model-path-segment.js'
import { createGeminiChunkMapper } from './gemini-chunk-mapper.js'
import { createGeminiEmbeddingBody, parseGeminiEmbeddingResponse } from './gemini-embedding.js'
import { parseGeminiError } from './gemini-error.js'
import { parseGeminiResponse } from './parse-gemini-response.js'
import { createGeminiRequestBody } from './prepare-gemini-request.js'

/**
 * The resource name of a model: `gemini-2.5-flash` → `models/gemini-2.5-flash`; names that already
 * have a collection (`models/…`, `tunedModels/…`) keep it. The id is one encoded path segment.
 * @example getGeminiModelPath('gemini-2.5-flash') // 'models/gemini-2.5-flash'
 */
export function getGeminiModelPath(model: string, provider = 'gemini'): string {
  const named = /^(models|tunedModels)\/(.*)$/.exec(model)
  return `${named?.[1] ?? 'models'}/${encodeModelPathSegment(named?.[2] ?? model, provider)}`
}

function headers(context: ProviderCallContext): Record<string, string> {
  // The key goes in a header, never in the URL, so it stays out of URLs and logs.
  const result: Record<string, string> = { 'content-type': 'application/json', ...context.headers }
  if (context.apiKey !== undefined) result['x-goog-api-key'] = context.apiKey
  return result
}

function baseUrl(context: ProviderCallContext): string {
  return context.baseUrl.replace(/\/+$/, '')
}

function createGeminiChatRequest(
  request: CompletionRequest,
  context: ProviderCallContext,
  options: { stream: boolean },
): ProviderHttpRequest {
  const body = createGeminiRequestBody(request)
  const method = options.stream ? 'streamGenerateContent?alt=sse' : 'generateContent'
  return {
    method: 'POST',
    url: `${baseUrl(context)}/${getGeminiModelPath(context.model)}:${method}`,
    headers: headers(context),
    body: JSON.stringify(body),
  }
}

function createGeminiEmbeddingRequest(
  request: EmbeddingRequest,
  context: ProviderCallContext,
): ProviderHttpRequest {
  const modelPath = getGeminiModelPath(context.model)
  const { method, body } = createGeminiEmbeddingBody(request, modelPath)
  return {
    method: 'POST',
    url: `${baseUrl(context)}/${modelPath}:${method}`,
    headers: headers(context),
    body: JSON.stringify(body),
  }
}

/**
 * The `gemini/<model>` provider: the Gemini Developer API (Google AI Studio) at
 * `https://generativelanguage.googleapis.com/v1beta`, key from `GEMINI_API_KEY` or
 * `GOOGLE_API_KEY` in the `x-goog-api-key` header, SSE streaming, embeddings.
 * @example
 * await llm.completion({ model: 'gemini/gemini-2.5-flash', messages: [{ role: 'user', content: 'Hi' }] })
 */
export const geminiProvider: ProviderDefinition = {
  name: 'gemini',
  apiKeyEnv: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
  apiKeyRequired: true,
  defaultBaseUrl: 'https://generativelanguage.googleapis.com/v1beta',
  baseUrlEnv: ['GEMINI_BASE_URL'],
  streamFormat: 'sse',
  createChatRequest: createGeminiChatRequest,
  parseChatResponse: parseGeminiResponse,
  createChunkMapper: createGeminiChunkMapper,
  createEmbeddingRequest: createGeminiEmbeddingRequest,
  parseEmbeddingResponse: parseGeminiEmbeddingResponse,
  parseError: parseGeminiError,
}
