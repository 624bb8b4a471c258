import { describe, expect, it } from 'vitest'
import { createBedrockEmbeddingBody, parseBedrockEmbeddingResponse } from './bedrock-embedding.js'

const context = { provider: 'bedrock', model: 'cohere.embed-v4:0', requestId: 'r', headers: {} }

describe('Bedrock embeddings over InvokeModel', () => {
  it('builds Titan and Cohere bodies, inference profiles included', () => {
    expect(
      createBedrockEmbeddingBody(
        { model: 'x', input: 'hi', dimensions: 256 },
        'amazon.titan-embed-text-v2:0',
      ),
    ).toEqual({
      inputText: 'hi',
      dimensions: 256,
    })
    expect(createBedrockEmbeddingBody({ model: 'x', input: ['a', 'b'] }, 'us.cohere.embed-v4:0')).toEqual({
      texts: ['a', 'b'],
      input_type: 'search_document',
    })
  })

  it('refuses other models, batches for Titan and non-string inputs, naming the field', () => {
    const cases: Array<[unknown, string, string]> = [
      ['hi', 'amazon.nova-lite-v1:0', 'model'],
      [['a', 'b'], 'amazon.titan-embed-text-v2:0', 'input'],
      [[], 'cohere.embed-english-v3', 'input'],
      [['a', 3], 'cohere.embed-english-v3', 'input[1]'],
    ]
    for (const [input, model, field] of cases)
      expect(() => createBedrockEmbeddingBody({ model: 'x', input: input as string[] }, model)).toThrow(
        expect.objectContaining({ name: 'InvalidArgumentError', field }),
      )
  })

  it('reads Titan, Cohere v3 and Cohere v4 answers; tokens from the body or the header', () => {
    expect(parseBedrockEmbeddingResponse({ embedding: [0.1, 0.2], inputTextTokenCount: 3 }, context)).toEqual(
      {
        object: 'list',
        data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2] }],
        model: 'cohere.embed-v4:0',
        usage: { prompt_tokens: 3, total_tokens: 3 },
      },
    )
    const headers = { 'x-amzn-bedrock-input-token-count': '5' }
    const v3 = parseBedrockEmbeddingResponse(
      { embeddings: [[1], [2]], response_type: 'embeddings_floats' },
      { ...context, headers },
    )
    expect(v3.data.map((item) => item.embedding)).toEqual([[1], [2]])
    expect(v3.usage.prompt_tokens).toBe(5)
    const v4 = parseBedrockEmbeddingResponse(
      { embeddings: { float: [[3]] }, response_type: 'embeddings_by_type' },
      context,
    )
    expect(v4.data[0]!.embedding).toEqual([3])
    expect(() => parseBedrockEmbeddingResponse({ embeddings: 'x' }, context)).toThrow(
      expect.objectContaining({ name: 'ResponseParseError' }),
    )
  })
})
