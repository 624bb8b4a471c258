import type { CompletionRequest, EmbeddingRequest } from '../types/request.js'

/** Output tokens counted for a call that sets no `max_tokens`, until its usage corrects them. */
export const defaultOutputTokens = 256

const charsPerToken = 4

function contentLength(content: unknown): number {
  if (typeof content === 'string') return content.length
  if (!Array.isArray(content)) return 0
  let length = 0
  for (const part of content)
    if (typeof part === 'object' && part !== null && typeof (part as { text?: unknown }).text === 'string')
      length += (part as { text: string }).text.length
  return length
}

/**
 * Tokens a call is counted for before it is sent: about four characters a token for the prompt,
 * plus `max_tokens` (or `max_completion_tokens`, else 256). The answer's usage corrects it.
 * @example
 * estimateCallTokens({ model: 'chat', messages: [{ role: 'user', content: 'Hello there' }], max_tokens: 50 }) // 53
 */
export function estimateCallTokens(request: CompletionRequest | EmbeddingRequest): number {
  if ('input' in request) {
    const inputs = Array.isArray(request.input) ? request.input : [request.input]
    let length = 0
    for (const input of inputs) length += typeof input === 'string' ? input.length : 0
    return Math.ceil(length / charsPerToken)
  }
  let length = 0
  for (const message of request.messages ?? [])
    length += contentLength((message as { content?: unknown }).content)
  const output = request.max_tokens ?? request.max_completion_tokens ?? defaultOutputTokens
  return Math.ceil(length / charsPerToken) + output
}
