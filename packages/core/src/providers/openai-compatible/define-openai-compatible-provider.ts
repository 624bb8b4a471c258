import { defaultOpenAICompatibility } from '../openai/openai-compatibility.js'
import { createOpenAIFamilyProvider } from '../openai/openai-provider.js'
import type { ProviderDefinition } from '../provider.js'

export interface OpenAICompatibleProviderOptions {
  /** The prefix of model strings, e.g. `groq` for `groq/llama-3.3-70b-versatile`. */
  name: string
  /** Leave out when every user runs their own server (vLLM, LM Studio): then a base URL is required. */
  baseUrl?: string
  baseUrlEnv?: readonly string[]
  apiKeyEnv?: readonly string[]
  /** Default true when `apiKeyEnv` is given. */
  apiKeyRequired?: boolean
  /** Ask for `stream_options.include_usage` (default true). */
  streamUsage?: boolean
  /** The field assistant reasoning goes back in, when the server requires it (DeepSeek: `reasoning_content`). */
  reasoningField?: 'reasoning_content' | 'reasoning'
  /** The server rejects unknown fields (Mistral): see `OpenAICompatibility.strict`. */
  strict?: boolean
}

/**
 * Declares an OpenAI-compatible server in a few lines. Such a server gets the common core only:
 * `max_tokens` (not `max_completion_tokens`), no assistant `refusal`, `annotations` or reasoning.
 * @example
 * const cerebras = defineOpenAICompatibleProvider({ name: 'cerebras', baseUrl: 'https://api.cerebras.ai/v1', apiKeyEnv: ['CEREBRAS_API_KEY'] })
 */
export function defineOpenAICompatibleProvider(options: OpenAICompatibleProviderOptions): ProviderDefinition {
  const apiKeyEnv = options.apiKeyEnv ?? []
  return createOpenAIFamilyProvider({
    name: options.name,
    apiKeyEnv,
    apiKeyRequired: options.apiKeyRequired ?? apiKeyEnv.length > 0,
    ...(options.baseUrl === undefined ? {} : { defaultBaseUrl: options.baseUrl }),
    ...(options.baseUrlEnv === undefined ? {} : { baseUrlEnv: options.baseUrlEnv }),
    ...(options.streamUsage === undefined ? {} : { streamUsage: options.streamUsage }),
    compatibility: {
      ...defaultOpenAICompatibility,
      ...(options.reasoningField === undefined ? {} : { reasoningField: options.reasoningField }),
      strict: options.strict ?? false,
    },
  })
}
