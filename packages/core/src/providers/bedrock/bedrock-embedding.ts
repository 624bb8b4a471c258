import { InvalidArgumentError, ResponseParseError } from '../../errors/errors.js'
import type { EmbeddingResponse } from '../../types/chat.js'
import type { EmbeddingRequest } from '../../types/request.js'
import type { ProviderResponseContext } from '../provider.js'

/**
 * The InvokeModel body of an embedding model: Titan (`amazon.titan-embed-*`: one `inputText` per
 * call, `dimensions`) or Cohere (`cohere.embed-*`: a batch of `texts`, `input_type`
 * `search_document`). Throws `InvalidArgumentError` before any I/O for other models or bad input.
 * @example createBedrockEmbeddingBody({ model: 'bedrock/amazon.titan-embed-text-v2:0', input: 'hi' }, 'amazon.titan-embed-text-v2:0')
 */
export function createBedrockEmbeddingBody(
  request: EmbeddingRequest,
  model: string,
): Record<string, unknown> {
  const texts = typeof request.input === 'string' ? [request.input] : request.input
  if (!Array.isArray(texts) || texts.length === 0)
    throw new InvalidArgumentError('input must be a string or a non-empty array of strings', {
      field: 'input',
    })
  texts.forEach((text, i) => {
    if (typeof text !== 'string')
      throw new InvalidArgumentError(`input[${i}] must be a string`, { field: `input[${i}]` })
  })
  const family = embeddingFamily(model)
  if (family === 'titan') {
    if (texts.length > 1)
      throw new InvalidArgumentError(
        'Titan embedding models take one text per call; send one input, or use a cohere.embed-* model for batches',
        { field: 'input' },
      )
    return {
      inputText: texts[0],
      ...(request.dimensions === undefined ? {} : { dimensions: request.dimensions }),
    }
  }
  if (family === 'cohere') {
    const body: Record<string, unknown> = { texts, input_type: 'search_document' }
    if (request.dimensions !== undefined) body.output_dimension = request.dimensions
    return body
  }
  throw new InvalidArgumentError(
    `bedrock embeddings support amazon.titan-embed-* and cohere.embed-* models, not ${JSON.stringify(model)}`,
    { field: 'model' },
  )
}

function embeddingFamily(model: string): 'titan' | 'cohere' | undefined {
  // Inference profiles and ARNs carry the model id at the end, after a region prefix or a slash.
  const id = model.slice(model.lastIndexOf('/') + 1)
  if (/(^|\.)amazon\.titan-embed-/.test(id)) return 'titan'
  if (/(^|\.)cohere\.embed-/.test(id)) return 'cohere'
  return undefined
}

/**
 * Maps a Titan (`{embedding, inputTextTokenCount}`) or Cohere (`{embeddings: [[…]]}` or
 * `{embeddings: {float: [[…]]}}`) answer to an OpenAI embedding list. Tokens come from the body, or
 * from the `x-amzn-bedrock-input-token-count` header Bedrock adds to every InvokeModel answer.
 * @example parseBedrockEmbeddingResponse({ embedding: [0.1], inputTextTokenCount: 2 }, context).usage.prompt_tokens // 2
 */
export function parseBedrockEmbeddingResponse(
  body: unknown,
  context: Omit<ProviderResponseContext, 'request'>,
): EmbeddingResponse {
  const response = body as {
    embedding?: unknown
    embeddings?: unknown
    inputTextTokenCount?: unknown
  } | null
  const embeddings = response?.embeddings
  const vectors: unknown =
    response?.embedding !== undefined
      ? [response.embedding]
      : Array.isArray(embeddings)
        ? embeddings
        : (embeddings as { float?: unknown } | undefined)?.float
  if (!Array.isArray(vectors) || !vectors.every((vector) => Array.isArray(vector))) {
    throw new ResponseParseError(`${context.provider} embedding response has no embedding vectors`, {
      provider: context.provider,
      requestId: context.requestId,
      body,
    })
  }
  const counted = Number(response?.inputTextTokenCount ?? context.headers['x-amzn-bedrock-input-token-count'])
  const tokens = Number.isFinite(counted) && counted >= 0 ? counted : 0
  return {
    object: 'list',
    data: vectors.map((embedding, index) => ({
      object: 'embedding',
      index,
      embedding: embedding as number[],
    })),
    model: context.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  }
}
