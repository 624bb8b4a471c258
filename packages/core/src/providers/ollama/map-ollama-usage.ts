import type { CompletionUsage } from '../../types/chat.js'

/**
 * Maps Ollama's `prompt_eval_count` / `eval_count` to OpenAI usage.
 * @example mapOllamaUsage({ prompt_eval_count: 26, eval_count: 282 }).total_tokens // 308
 */
export function mapOllamaUsage(response: {
  prompt_eval_count?: number
  eval_count?: number
}): CompletionUsage {
  const prompt = response.prompt_eval_count ?? 0
  const completion = response.eval_count ?? 0
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion }
}
