import { anthropicProvider } from './anthropic/anthropic-provider.js'
import { azureProvider } from './azure/azure-provider.js'
import { bedrockProvider } from './bedrock/bedrock-provider.js'
import { geminiProvider } from './gemini/gemini-provider.js'
import { ollamaProvider } from './ollama/ollama-provider.js'
import { openaiProvider } from './openai/openai-provider.js'
import { openAICompatibleProviders } from './openai-compatible/openai-compatible-presets.js'
import type { ProviderDefinition } from './provider.js'
import { vertexProvider } from './vertex/vertex-provider.js'

/** Every built-in provider, by the prefix used in model strings. */
const builtInProviders: readonly ProviderDefinition[] = [
  openaiProvider,
  azureProvider,
  ...openAICompatibleProviders,
  anthropicProvider,
  geminiProvider,
  vertexProvider,
  ollamaProvider,
  bedrockProvider,
]

const registry = new Map<string, ProviderDefinition>(
  builtInProviders.map((provider) => [provider.name, provider]),
)

/**
 * The definition for a model-string prefix, or undefined.
 * @example
 * getProviderDefinition('groq')?.defaultBaseUrl // 'https://api.groq.com/openai/v1'
 */
export function getProviderDefinition(name: string): ProviderDefinition | undefined {
  return registry.get(name)
}

/**
 * The names a model string may start with, sorted.
 * @example
 * listProviderNames() // ['anthropic', 'azure', 'deepseek', …, 'vertex', 'vllm', 'xai']
 */
export function listProviderNames(): string[] {
  return [...registry.keys()].sort()
}
