import type { CompletionUsage } from '../../types/chat.js'
import type { BedrockUsage } from './bedrock-api-types.js'

/**
 * Maps Converse `TokenUsage` to OpenAI usage. Bedrock's `inputTokens` excludes cached tokens, so
 * `prompt_tokens` adds the cache read and write counts (the same convention as for Anthropic);
 * the raw cache counts stay in `prompt_tokens_details`.
 * @example mapBedrockUsage({ inputTokens: 12, outputTokens: 3, totalTokens: 15 }).total_tokens // 15
 */
export function mapBedrockUsage(usage: BedrockUsage): CompletionUsage {
  const input = usage.inputTokens ?? 0
  const cacheRead = usage.cacheReadInputTokens ?? 0
  const cacheWrite = usage.cacheWriteInputTokens ?? 0
  const output = usage.outputTokens ?? 0
  const promptTokens = input + cacheRead + cacheWrite
  return {
    prompt_tokens: promptTokens,
    completion_tokens: output,
    total_tokens: usage.totalTokens ?? promptTokens + output,
    prompt_tokens_details: {
      cached_tokens: cacheRead,
      cache_read_input_tokens: cacheRead,
      cache_write_input_tokens: cacheWrite,
    },
  }
}
