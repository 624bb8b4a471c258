/**
 * What one OpenAI-compatible server accepts beyond the common core, per preset. Everything a
 * server does not list here is left out of the request, because strict servers answer 400/422 for
 * a field they do not know (Mistral's `extra_forbidden`, Groq on `refusal`).
 */
export interface OpenAICompatibility {
  /**
   * The field an assistant message's `reasoning` goes back in. DeepSeek's thinking models require
   * `reasoning_content` on the assistant turns of a tool loop; left out, reasoning is not sent.
   */
  reasoningField?: 'reasoning_content' | 'reasoning'
  /**
   * `max_tokens` for servers that only know it (Mistral answers 422 to `max_completion_tokens`);
   * `by-model` for OpenAI and Azure: `max_completion_tokens` for the reasoning families (o1, o3,
   * o4, gpt-5), which reject `max_tokens`, else the field the caller gave.
   */
  maxTokensField: 'max_tokens' | 'by-model'
  /** The server rejects unknown fields (Mistral): no message `name`, `seed` sent as `random_seed`, no `user`. */
  strict: boolean
  /** The server takes an assistant `refusal` (OpenAI, Azure). */
  refusal: boolean
}

/** For servers we know little of: the common core only, `max_tokens`. */
export const defaultOpenAICompatibility: OpenAICompatibility = {
  maxTokensField: 'max_tokens',
  strict: false,
  refusal: false,
}

/** OpenAI itself and Azure OpenAI. */
export const openAICompatibility: OpenAICompatibility = {
  maxTokensField: 'by-model',
  strict: false,
  refusal: true,
}

const reasoningModel = /^(o\d|gpt-5)/i

/**
 * The max-tokens field to send for a model.
 * @example
 * maxTokensFieldFor(openAICompatibility, 'o3-mini') // 'max_completion_tokens'
 */
export function maxTokensFieldFor(
  compatibility: OpenAICompatibility,
  model: string,
  given: 'max_tokens' | 'max_completion_tokens',
): 'max_tokens' | 'max_completion_tokens' {
  if (compatibility.maxTokensField === 'max_tokens') return 'max_tokens'
  // Azure deployments and proxies may prefix the family: match the last path segment.
  return reasoningModel.test(model.split('/').pop() ?? model) ? 'max_completion_tokens' : given
}
