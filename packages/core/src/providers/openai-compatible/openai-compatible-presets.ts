import type { ProviderDefinition } from '../provider.js'
import { defineOpenAICompatibleProvider } from './define-openai-compatible-provider.js'

/** The OpenAI-compatible servers known by name. Adding one is one entry. */
export const openAICompatibleProviders: readonly ProviderDefinition[] = [
  { name: 'groq', baseUrl: 'https://api.groq.com/openai/v1', apiKeyEnv: ['GROQ_API_KEY'] },
  { name: 'openrouter', baseUrl: 'https://openrouter.ai/api/v1', apiKeyEnv: ['OPENROUTER_API_KEY'] },
  {
    name: 'together',
    baseUrl: 'https://api.together.xyz/v1',
    apiKeyEnv: ['TOGETHER_API_KEY', 'TOGETHERAI_API_KEY'],
  },
  // DeepSeek's thinking models answer 400 to a tool-loop assistant turn without its reasoning_content.
  {
    name: 'deepseek',
    baseUrl: 'https://api.deepseek.com/v1',
    apiKeyEnv: ['DEEPSEEK_API_KEY'],
    reasoningField: 'reasoning_content' as const,
  },
  // Mistral rejects unknown body fields (422 extra_forbidden), stream_options among them; it sends
  // usage at the end anyway.
  {
    name: 'mistral',
    baseUrl: 'https://api.mistral.ai/v1',
    apiKeyEnv: ['MISTRAL_API_KEY'],
    streamUsage: false,
    strict: true,
  },
  { name: 'xai', baseUrl: 'https://api.x.ai/v1', apiKeyEnv: ['XAI_API_KEY'] },
  {
    name: 'fireworks',
    baseUrl: 'https://api.fireworks.ai/inference/v1',
    apiKeyEnv: ['FIREWORKS_API_KEY', 'FIREWORKS_AI_API_KEY'],
  },
  {
    name: 'vllm',
    baseUrlEnv: ['VLLM_API_BASE', 'HOSTED_VLLM_API_BASE'],
    apiKeyEnv: ['VLLM_API_KEY', 'HOSTED_VLLM_API_KEY'],
    apiKeyRequired: false,
  },
  {
    name: 'lmstudio',
    baseUrlEnv: ['LM_STUDIO_API_BASE'],
    apiKeyEnv: ['LM_STUDIO_API_KEY'],
    apiKeyRequired: false,
  },
  // Any other server: give `baseUrl` (and `apiKey` if it wants one) in the client config or call.
  { name: 'openai-compatible', apiKeyEnv: ['OPENAI_COMPATIBLE_API_KEY'], apiKeyRequired: false },
].map(defineOpenAICompatibleProvider)
