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
}

/**
 * Declares an OpenAI-compatible server in a few lines.
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
  })
}
