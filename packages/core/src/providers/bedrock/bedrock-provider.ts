import type { CompletionRequest, EmbeddingRequest } from '../../types/request.js'
import type { ProviderCallContext, ProviderDefinition, ProviderHttpRequest } from '../provider.js'
import { createBedrockChunkMapper } from './bedrock-chunk-mapper.js'
import { createBedrockEmbeddingBody, parseBedrockEmbeddingResponse } from './bedrock-embedding.js'
import { BEDROCK_DEFAULT_BASE_URL, getBedrockModelUrl, getBedrockRegion } from './bedrock-endpoint.js'
import { parseBedrockError } from './bedrock-error.js'
import { parseBedrockResponse } from './parse-bedrock-response.js'
import { createBedrockRequestBody } from './prepare-bedrock-request.js'
import { authenticateBedrockRequest } from './sign-bedrock-request.js'

function createBedrockChatRequest(
  request: CompletionRequest,
  context: ProviderCallContext,
  options: { stream: boolean },
): Promise<ProviderHttpRequest> {
  // Everything is validated before the credentials are fetched, the first I/O.
  const body = JSON.stringify(createBedrockRequestBody(request))
  const region = getBedrockRegion(context)
  const url = getBedrockModelUrl(context, region, options.stream ? 'converse-stream' : 'converse')
  const headers = {
    'content-type': 'application/json',
    accept: options.stream ? 'application/vnd.amazon.eventstream' : 'application/json',
    ...context.headers,
  }
  return authenticateBedrockRequest(context, region, { url, headers, body })
}

function createBedrockEmbeddingRequest(
  request: EmbeddingRequest,
  context: ProviderCallContext,
): Promise<ProviderHttpRequest> {
  const body = JSON.stringify(createBedrockEmbeddingBody(request, context.model))
  const region = getBedrockRegion(context)
  const url = getBedrockModelUrl(context, region, 'invoke')
  const headers = { 'content-type': 'application/json', accept: 'application/json', ...context.headers }
  return authenticateBedrockRequest(context, region, { url, headers, body })
}

/**
 * The `bedrock/<modelId>` provider: Amazon Bedrock's Converse and ConverseStream APIs (model ids,
 * inference profiles such as `us.anthropic.claude-…` and ARNs), embeddings over InvokeModel (Titan,
 * Cohere). Requests are SigV4-signed with `providers.bedrock.credentials` (static or a provider such
 * as `fromNodeProviderChain()`) or the AWS_* environment, or carry a Bedrock API key
 * (AWS_BEARER_TOKEN_BEDROCK) as a bearer token. Region from `providers.bedrock.region`, AWS_REGION
 * or AWS_DEFAULT_REGION. Streams are AWS event streams.
 * @example
 * const llm = createClient({ providers: { bedrock: { region: 'us-east-1', credentials: fromNodeProviderChain() } } })
 * await llm.completion({ model: 'bedrock/us.anthropic.claude-3-5-haiku-20241022-v1:0', messages: [{ role: 'user', content: 'Hi' }] })
 */
export const bedrockProvider: ProviderDefinition = {
  name: 'bedrock',
  apiKeyEnv: ['AWS_BEARER_TOKEN_BEDROCK'],
  apiKeyRequired: false,
  defaultBaseUrl: BEDROCK_DEFAULT_BASE_URL,
  baseUrlEnv: ['AWS_ENDPOINT_URL_BEDROCK_RUNTIME'],
  streamFormat: 'eventstream',
  settingNames: ['region', 'credentials'],
  // SigV4 credentials (settings or the AWS_* environment) sign every call, key or not.
  sendsAmbientCredentials: true,
  createChatRequest: createBedrockChatRequest,
  parseChatResponse: parseBedrockResponse,
  createChunkMapper: createBedrockChunkMapper,
  createEmbeddingRequest: createBedrockEmbeddingRequest,
  parseEmbeddingResponse: parseBedrockEmbeddingResponse,
  parseError: parseBedrockError,
}
