import { openAICompatibility } from '../openai/openai-compatibility.js'
import { createOpenAIFamilyProvider } from '../openai/openai-provider.js'
import type { ProviderCallContext, ProviderDefinition } from '../provider.js'
import { encodeModelPathSegment } from '../shared/encode-model-path-segment.js'

function apiVersionOf(context: ProviderCallContext): string | undefined {
  const configured = context.settings.apiVersion
  if (typeof configured === 'string' && configured !== '') return configured
  return process.env.AZURE_API_VERSION || process.env.OPENAI_API_VERSION || undefined
}

/**
 * Azure OpenAI. The model part is the deployment name. With an `apiVersion` (settings, or env
 * `AZURE_API_VERSION`/`OPENAI_API_VERSION`) it calls `/openai/deployments/{name}/…?api-version=`;
 * without one, or when the base URL ends in `/openai/v1`, the v1 API. Sends `api-key`, never a
 * bearer token; the client follows no redirect, so the key cannot leak to another host.
 * @example
 * createClient({ providers: { azure: { baseUrl: 'https://res.openai.azure.com', apiVersion: '2024-10-21' } } })
 */
export const azureProvider: ProviderDefinition = createOpenAIFamilyProvider({
  name: 'azure',
  compatibility: openAICompatibility,
  // API versions before 2024-07-01-preview answer 400 to stream_options; the v1 API knows it.
  streamUsage: (context) => {
    const apiVersion = apiVersionOf(context)
    return apiVersion === undefined || apiVersion >= '2024-07-01'
  },
  baseUrlEnv: ['AZURE_API_BASE', 'AZURE_OPENAI_ENDPOINT'],
  apiKeyEnv: ['AZURE_API_KEY', 'AZURE_OPENAI_API_KEY'],
  apiKeyRequired: true,
  authHeaders: (apiKey) => ({ 'api-key': apiKey }),
  settingNames: ['apiVersion'],
  operationUrl(operation, context) {
    const base = context.baseUrl.replace(/\/+$/, '')
    const isV1 = /\/openai\/v1$/.test(base)
    const apiVersion = apiVersionOf(context)
    if (apiVersion !== undefined && !isV1) {
      const root = base.replace(/\/openai$/, '')
      return `${root}/openai/deployments/${encodeModelPathSegment(context.model, 'azure')}/${operation}?api-version=${encodeURIComponent(apiVersion)}`
    }
    return `${isV1 ? base : `${base}/openai/v1`}/${operation}`
  },
})
