import { ConfigurationError, InvalidArgumentError } from '../../errors/errors.js'
import type { CompletionRequest } from '../../types/request.js'
import { createGeminiChunkMapper } from '../gemini/gemini-chunk-mapper.js'
import { parseGeminiError } from '../gemini/gemini-error.js'
import { parseGeminiResponse } from '../gemini/parse-gemini-response.js'
import { createGeminiRequestBody } from '../gemini/prepare-gemini-request.js'
import type { ProviderCallContext, ProviderDefinition, ProviderHttpRequest } from '../provider.js'
import { encodeModelPathSegment } from '../shared/encode-model-path-segment.js'
import { resolveVertexAccessToken, type VertexSettings } from './vertex-access-token.js'

/**
 * The client needs a default base URL; this one (the global endpoint) means "pick the host from
 * the location", so a regional location still gets `{location}-aiplatform.googleapis.com`.
 */
export const VERTEX_DEFAULT_BASE_URL = 'https://aiplatform.googleapis.com/v1'
/** Used when neither `providers.vertex.location` nor VERTEX_LOCATION is set. */
export const VERTEX_DEFAULT_LOCATION = 'us-central1'

/**
 * The model URL prefix on Vertex AI: `https://{location}-aiplatform.googleapis.com/v1/projects/{project}/locations/{location}/publishers/google/models/{model}`
 * (`global` uses `aiplatform.googleapis.com`). In express mode (an API key, no credentials) without
 * a project: `https://aiplatform.googleapis.com/v1/publishers/google/models/{model}`, as
 * @google/genai calls it. Throws `InvalidArgumentError` without a project otherwise.
 * @example getVertexModelUrl({ provider: 'vertex', model: 'gemini-2.5-flash', settings: { project: 'p' }, baseUrl: '' })
 */
export function getVertexModelUrl(
  context: Pick<ProviderCallContext, 'model' | 'settings' | 'baseUrl'> & { apiKey?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): string {
  const settings = context.settings as VertexSettings
  const project = settings.project ?? env.VERTEX_PROJECT ?? env.GOOGLE_CLOUD_PROJECT
  const model = encodeModelPathSegment(context.model, 'vertex')
  if ((typeof project !== 'string' || project === '') && usesExpressMode(context)) {
    // Express mode with no project, as @google/genai builds it: the global host, no project path.
    const base = (context.baseUrl || VERTEX_DEFAULT_BASE_URL).replace(/\/+$/, '')
    return `${base}/publishers/google/models/${model}`
  }
  if (typeof project !== 'string' || project === '') {
    throw new ConfigurationError(
      'vertex needs providers.vertex.project, VERTEX_PROJECT or GOOGLE_CLOUD_PROJECT',
      {
        field: 'providers.vertex.project',
      },
    )
  }
  const location = settings.location ?? env.VERTEX_LOCATION ?? VERTEX_DEFAULT_LOCATION
  if (!/^[a-z0-9-]+$/.test(location)) {
    throw new InvalidArgumentError(
      `providers.vertex.location ${JSON.stringify(location)} is not a location name`,
      {
        field: 'providers.vertex.location',
      },
    )
  }
  const host = location === 'global' ? 'aiplatform.googleapis.com' : `${location}-aiplatform.googleapis.com`
  // The client already resolved the base URL: call, then providers.vertex.baseUrl, then VERTEX_BASE_URL.
  const given = context.baseUrl
  const base = (given && given !== VERTEX_DEFAULT_BASE_URL ? given : `https://${host}/v1`).replace(/\/+$/, '')
  return `${base}/projects/${encodeURIComponent(project)}/locations/${location}/publishers/google/models/${model}`
}

/** Vertex AI express mode: an API key instead of OAuth, when no credentials were configured. */
function usesExpressMode(context: {
  settings: Readonly<Record<string, unknown>>
  apiKey?: string | undefined
}) {
  const settings = context.settings as VertexSettings
  return (
    settings.credentials === undefined &&
    settings.getAccessToken === undefined &&
    context.apiKey !== undefined &&
    context.apiKey !== ''
  )
}

async function createVertexChatRequest(
  request: CompletionRequest,
  context: ProviderCallContext,
  options: { stream: boolean },
): Promise<ProviderHttpRequest> {
  // Everything is validated before the token request, the first I/O.
  // Serialized here too: a request that is not JSON (circular, BigInt) fails before the token request.
  const body = JSON.stringify(createGeminiRequestBody(request))
  const url = `${getVertexModelUrl(context)}:${options.stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`
  const headers: Record<string, string> = { 'content-type': 'application/json', ...context.headers }
  if (usesExpressMode(context)) headers['x-goog-api-key'] = context.apiKey!
  else {
    const getToken = resolveVertexAccessToken(context)
    headers.authorization = `Bearer ${await getToken()}`
  }
  return { method: 'POST', url, headers, body }
}

/**
 * The `vertex/<model>` provider: Gemini on Vertex AI. Configure `providers: { vertex: { project,
 * location, credentials?, getAccessToken?, baseUrl? } }` or VERTEX_PROJECT / GOOGLE_CLOUD_PROJECT,
 * VERTEX_LOCATION and GOOGLE_APPLICATION_CREDENTIALS. The OAuth token exchange goes through the
 * call's own session.
 * @example
 * const llm = createClient({ providers: { vertex: { project: 'my-project', location: 'europe-west4' } } })
 * await llm.completion({ model: 'vertex/gemini-2.5-flash', messages: [{ role: 'user', content: 'Hi' }] })
 */
export const vertexProvider: ProviderDefinition = {
  name: 'vertex',
  apiKeyEnv: [],
  apiKeyRequired: false,
  defaultBaseUrl: VERTEX_DEFAULT_BASE_URL,
  baseUrlEnv: ['VERTEX_BASE_URL'],
  streamFormat: 'sse',
  settingNames: ['project', 'location', 'credentials', 'getAccessToken'],
  sendsAmbientCredentials: true,
  createChatRequest: createVertexChatRequest,
  parseChatResponse: parseGeminiResponse,
  createChunkMapper: createGeminiChunkMapper,
  parseError: parseGeminiError,
}
