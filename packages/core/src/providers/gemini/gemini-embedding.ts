import { InvalidArgumentError, ResponseParseError } from '../../errors/errors.js'
import type { EmbeddingResponse } from '../../types/chat.js'
import type { EmbeddingRequest } from '../../types/request.js'
import type { ProviderResponseContext } from '../provider.js'
import type { GeminiEmbedContentRequest } from './gemini-api-types.js'

/**
 * Builds the embedding call: `:embedContent` for one string, `:batchEmbedContents` for an array.
 * `modelPath` is the resource name, e.g. `models/gemini-embedding-001`. `extraBody` (`taskType`,
 * `title`) goes into each embed request, where Gemini reads it.
 * @example createGeminiEmbeddingBody({ model: 'gemini/gemini-embedding-001', input: ['a', 'b'] }, 'models/gemini-embedding-001')
 */
export function createGeminiEmbeddingBody(
  request: EmbeddingRequest,
  modelPath: string,
): { method: 'embedContent' | 'batchEmbedContents'; body: Record<string, unknown> } {
  const dimensions = {
    ...(request.dimensions === undefined ? {} : { outputDimensionality: request.dimensions }),
    ...request.extraBody,
  }
  if (typeof request.input === 'string') {
    return { method: 'embedContent', body: { content: { parts: [{ text: request.input }] }, ...dimensions } }
  }
  if (!Array.isArray(request.input) || request.input.length === 0) {
    throw new InvalidArgumentError('input must be a string or a non-empty array of strings', {
      field: 'input',
    })
  }
  const requests = request.input.map((text, i): GeminiEmbedContentRequest => {
    if (typeof text !== 'string')
      throw new InvalidArgumentError(`input[${i}] must be a string`, { field: `input[${i}]` })
    return { model: modelPath, content: { parts: [{ text }] }, ...dimensions }
  })
  return { method: 'batchEmbedContents', body: { requests } }
}

/**
 * Maps `{embedding:{values}}` or `{embeddings:[{values}]}` to an OpenAI embedding list. Gemini
 * reports no token usage for embeddings, so usage is zero.
 * @example parseGeminiEmbeddingResponse({ embedding: { values: [0.1] } }, context).data[0].embedding // [0.1]
 */
export function parseGeminiEmbeddingResponse(
  body: unknown,
  context: Omit<ProviderResponseContext, 'request'>,
): EmbeddingResponse {
  const response = body as {
    embedding?: { values?: unknown }
    embeddings?: Array<{ values?: unknown }>
  } | null
  const items = response?.embeddings ?? (response?.embedding ? [response.embedding] : undefined)
  if (!Array.isArray(items) || !items.every((item) => Array.isArray(item?.values))) {
    throw new ResponseParseError(`${context.provider} embedding response has no embedding values`, {
      provider: context.provider,
      requestId: context.requestId,
      body,
    })
  }
  return {
    object: 'list',
    data: items.map((item, index) => ({ object: 'embedding', index, embedding: item.values as number[] })),
    model: context.model,
    usage: { prompt_tokens: 0, total_tokens: 0 },
  }
}
