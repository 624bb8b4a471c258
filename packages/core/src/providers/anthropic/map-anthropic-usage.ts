import type { CompletionUsage } from '../../types/chat.js'
import type { AnthropicUsage } from './anthropic-api-types.js'

/**
 * Maps Anthropic usage to OpenAI usage.
 *
 * Convention (LiteLLM's): `prompt_tokens` counts every input token the model read, so it is
 * `input_tokens + cache_creation_input_tokens + cache_read_input_tokens` (Anthropic's
 * `input_tokens` excludes both cache counts, OpenAI's `prompt_tokens` includes cached ones).
 * `prompt_tokens_details.cached_tokens` is the cache read; the raw cache fields are kept too.
 * @example mapAnthropicUsage({ input_tokens: 12, output_tokens: 29 }).total_tokens // 41
 */
export function mapAnthropicUsage(usage: AnthropicUsage): CompletionUsage {
  const input = usage.input_tokens ?? 0
  const cacheCreation = usage.cache_creation_input_tokens ?? 0
  const cacheRead = usage.cache_read_input_tokens ?? 0
  const output = usage.output_tokens ?? 0
  const promptTokens = input + cacheCreation + cacheRead
  return {
    prompt_tokens: promptTokens,
    completion_tokens: output,
    total_tokens: promptTokens + output,
    prompt_tokens_details: {
      cached_tokens: cacheRead,
      cache_creation_input_tokens: cacheCreation,
      cache_read_input_tokens: cacheRead,
    },
  }
}
