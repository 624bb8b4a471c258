import { anthropicFormat } from '../providers/anthropic-format.js'
import { bedrockFormat } from '../providers/bedrock-format.js'
import { geminiFormat } from '../providers/gemini-format.js'
import { ollamaFormat } from '../providers/ollama-format.js'
import { openAiFormat } from '../providers/openai-format.js'
import { tokenEndpointFormat } from '../providers/token-endpoint.js'
import type { MockWireFormat } from './mock-wire-format.js'

export interface MatchedRoute {
  /** Route name without the `.stream` suffix, e.g. `openai.chat`. */
  route: string
  format: MockWireFormat
  /** The model named by the URL (Gemini, Vertex, Azure deployments). */
  modelFromUrl?: string
  /** Whether a request body asks for a stream. */
  streams: (body: Record<string, unknown>) => boolean
  form?: boolean
}

const byBodyFlag = (body: Record<string, unknown>) => body.stream === true
const never = () => false

/** Maps a path to a provider route. Paths may carry any prefix, as proxies and gateways add one. */
export function routeRequest(path: string): MatchedRoute | undefined {
  if (path === '/token')
    return { route: 'oauth.token', format: tokenEndpointFormat, streams: never, form: true }
  let match =
    /\/(?:v1|v1beta1)\/projects\/[^/]+\/locations\/[^/]+\/publishers\/google\/models\/([^/:]+):(generateContent|streamGenerateContent)$/.exec(
      path,
    )
  if (match) {
    const action = match[2] as string
    return {
      route: `vertex.${action}`,
      format: geminiFormat,
      modelFromUrl: match[1],
      streams: () => action === 'streamGenerateContent',
    }
  }
  match =
    /\/(?:v1beta|v1|v1alpha)\/models\/([^/:]+):(generateContent|streamGenerateContent|embedContent|batchEmbedContents)$/.exec(
      path,
    )
  if (match) {
    const action = match[2] as string
    return {
      route: `gemini.${action}`,
      format: geminiFormat,
      modelFromUrl: match[1],
      streams: () => action === 'streamGenerateContent',
    }
  }
  // Bedrock Runtime: the model id (an ARN too) is one encoded path segment.
  match = /\/model\/([^/]+)\/(converse|converse-stream|invoke)$/.exec(path)
  if (match) {
    const action = match[2] as string
    return {
      route: action === 'invoke' ? 'bedrock.invoke' : 'bedrock.converse',
      format: bedrockFormat,
      modelFromUrl: decodeURIComponent(match[1] as string),
      streams: () => action === 'converse-stream',
    }
  }
  match = /\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings)$/.exec(path)
  if (match) {
    const chat = match[2] === 'chat/completions'
    return {
      route: chat ? 'azure.chat' : 'azure.embeddings',
      format: openAiFormat,
      modelFromUrl: decodeURIComponent(match[1] as string),
      streams: chat ? byBodyFlag : never,
    }
  }
  if (path.endsWith('/chat/completions'))
    return { route: 'openai.chat', format: openAiFormat, streams: byBodyFlag }
  if (path.endsWith('/embeddings'))
    return { route: 'openai.embeddings', format: openAiFormat, streams: never }
  if (path.endsWith('/v1/messages'))
    return { route: 'anthropic.messages', format: anthropicFormat, streams: byBodyFlag }
  // Ollama streams unless told not to.
  if (path.endsWith('/api/chat'))
    return { route: 'ollama.chat', format: ollamaFormat, streams: (body) => body.stream !== false }
  if (path.endsWith('/api/embed')) return { route: 'ollama.embed', format: ollamaFormat, streams: never }
  return undefined
}
