import { describe, expect, it } from 'vitest'
import type { ChatCompletionMessage } from '../../types/chat.js'
import type { CompletionRequest } from '../../types/request.js'
import { azureProvider } from '../azure/azure-provider.js'
import type { ProviderCallContext } from '../provider.js'
import { getProviderDefinition } from '../registry.js'
import { openaiProvider } from './openai-provider.js'

const context = (
  provider: string,
  model: string,
  settings: Record<string, unknown> = {},
): ProviderCallContext => ({
  provider,
  model,
  apiKey: 'k',
  baseUrl: 'https://api.example.test/v1',
  headers: {},
  settings,
  send: () => Promise.reject(new Error('no I/O expected')),
  signal: new AbortController().signal,
})

// An assistant message exactly as llm-session returns it, pushed back into the history.
const returned: ChatCompletionMessage = {
  role: 'assistant',
  content: null,
  refusal: null,
  annotations: [],
  reasoning: 'Think first.',
  thinking_blocks: [{ type: 'thinking', thinking: 'Think first.', signature: 'sig' }],
  tool_calls: [
    {
      id: 'call_1',
      type: 'function',
      function: { name: 'f', arguments: '{}' },
      provider_metadata: { gemini: { thoughtSignature: 's' } },
    },
  ],
}
const request = (extra: Partial<CompletionRequest> = {}): CompletionRequest => ({
  model: 'x/m',
  messages: [
    { role: 'user', content: 'Hi', name: 'ann' },
    returned,
    { role: 'tool', tool_call_id: 'call_1', content: '1' },
  ],
  ...extra,
})

async function bodyOf(
  provider: string,
  model: string,
  extra: Partial<CompletionRequest> = {},
  stream = false,
  settings = {},
) {
  const definition =
    provider === 'azure'
      ? azureProvider
      : provider === 'openai'
        ? openaiProvider
        : getProviderDefinition(provider)!
  const built = await definition.createChatRequest(request(extra), context(provider, model, settings), {
    stream,
  })
  return JSON.parse(built.body!) as Record<string, unknown>
}

describe('OpenAI-family request bodies per target', () => {
  it('OpenAI: assistant keeps role/content/tool_calls only (refusal only when set); o-series get max_completion_tokens', async () => {
    const body = await bodyOf('openai', 'o3-mini', { max_tokens: 100 })
    expect((body.messages as unknown[])[1]).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }],
    })
    expect(body).toMatchObject({ max_completion_tokens: 100 })
    expect(body.max_tokens).toBeUndefined()
    expect((await bodyOf('openai', 'gpt-4o', { max_tokens: 100 })).max_tokens).toBe(100)
  })

  it('DeepSeek: reasoning goes back as reasoning_content; max_completion_tokens is sent as max_tokens', async () => {
    const body = await bodyOf('deepseek', 'deepseek-reasoner', { max_completion_tokens: 50 })
    expect((body.messages as Array<Record<string, unknown>>)[1]).toMatchObject({
      reasoning_content: 'Think first.',
    })
    expect(body).toMatchObject({ max_tokens: 50 })
    expect(body.max_completion_tokens).toBeUndefined()
  })

  it('Mistral: no name, no stream_options, seed as random_seed, no user', async () => {
    const body = await bodyOf('mistral', 'magistral-medium', { seed: 7, user: 'u' }, true)
    const messages = body.messages as Array<Record<string, unknown>>
    expect(messages[0]).toEqual({ role: 'user', content: 'Hi' })
    expect(Object.keys(messages[1]!).sort()).toEqual(['content', 'role', 'tool_calls'])
    expect(body).toMatchObject({ random_seed: 7, stream: true })
    expect(body.seed).toBeUndefined()
    expect(body.user).toBeUndefined()
    expect(body.stream_options).toBeUndefined()
  })

  it('groq and other presets: no refusal, annotations, reasoning or thinking_blocks', async () => {
    for (const provider of [
      'groq',
      'together',
      'fireworks',
      'xai',
      'openrouter',
      'vllm',
      'openai-compatible',
    ]) {
      const messages = (await bodyOf(provider, 'm')).messages as Array<Record<string, unknown>>
      expect(Object.keys(messages[1]!).sort(), provider).toEqual(['content', 'role', 'tool_calls'])
    }
  })

  it('tools: [] is never sent, and tool_choice / parallel_tool_calls go with it', async () => {
    const body = await bodyOf('openai', 'gpt-4o', {
      tools: [],
      tool_choice: 'auto',
      parallel_tool_calls: true,
    })
    expect(body.tools).toBeUndefined()
    expect(body.tool_choice).toBeUndefined()
    expect(body.parallel_tool_calls).toBeUndefined()
  })

  it('stream_options: default include_usage, switchable per call, never to old Azure API versions', async () => {
    expect((await bodyOf('openai', 'gpt-4o', {}, true)).stream_options).toEqual({ include_usage: true })
    expect((await bodyOf('openai', 'gpt-4o', { stream_options: null }, true)).stream_options).toBeUndefined()
    expect(
      (await bodyOf('openai', 'gpt-4o', { stream_options: { include_usage: false } }, true)).stream_options,
    ).toEqual({
      include_usage: false,
    })
    expect(
      (await bodyOf('azure', 'dep', {}, true, { apiVersion: '2024-02-01' })).stream_options,
    ).toBeUndefined()
    expect((await bodyOf('azure', 'dep', {}, true, { apiVersion: '2024-10-21' })).stream_options).toEqual({
      include_usage: true,
    })
  })

  it('extraBody reaches embedding() for the OpenAI family', async () => {
    const built = await openaiProvider.createEmbeddingRequest!(
      { model: 'openai/e', input: 'a', extraBody: { encoding_format: 'base64' } },
      context('openai', 'e'),
    )
    expect(JSON.parse(built.body!)).toEqual({ model: 'e', input: 'a', encoding_format: 'base64' })
  })
})
