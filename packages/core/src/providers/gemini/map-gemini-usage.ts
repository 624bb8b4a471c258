import type { CompletionUsage } from '../../types/chat.js'
import type { GeminiUsageMetadata } from './gemini-api-types.js'

/**
 * Maps Gemini `usageMetadata` to OpenAI usage. Like OpenAI's reasoning models,
 * `completion_tokens` includes the thinking tokens (`candidatesTokenCount + thoughtsTokenCount`),
 * which are also reported as `completion_tokens_details.reasoning_tokens`; `total_tokens` is
 * Gemini's own `totalTokenCount` (it includes thoughts and tool-use prompt tokens).
 * @example mapGeminiUsage({ promptTokenCount: 29, candidatesTokenCount: 10, thoughtsTokenCount: 202, totalTokenCount: 241 })
 */
export function mapGeminiUsage(usage: GeminiUsageMetadata): CompletionUsage {
  const prompt = usage.promptTokenCount ?? 0
  const thoughts = usage.thoughtsTokenCount ?? 0
  const completion = (usage.candidatesTokenCount ?? 0) + thoughts
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: usage.totalTokenCount ?? prompt + completion,
    prompt_tokens_details: {
      cached_tokens: usage.cachedContentTokenCount ?? 0,
      ...(usage.toolUsePromptTokenCount === undefined
        ? {}
        : { tool_use_prompt_tokens: usage.toolUsePromptTokenCount }),
    },
    completion_tokens_details: { reasoning_tokens: thoughts },
  }
}
