import { inspect } from 'node:util'
import { Agent } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  AuthenticationError,
  completion,
  createClient,
  createSession,
  getCallInfo,
  InvalidArgumentError,
  type LlmSession,
} from '../packages/core/src/index.js'
import { type LoopbackServer, startLoopbackServer } from './helpers/loopback-server.js'

const planted = 'sk-planted-SECRET-0123456789'
const okBody = JSON.stringify({
  id: 'c1',
  object: 'chat.completion',
  created: 1,
  model: 'm',
  choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
})
let server: LoopbackServer
let session: LlmSession
let status = 200

beforeAll(async () => {
  server = await startLoopbackServer({
    handler: (request, response) => {
      response.writeHead(status, { 'content-type': 'application/json' })
      // A provider that echoes the key it got, to prove errors redact it.
      response.end(
        status === 200
          ? okBody
          : JSON.stringify({ error: { message: `bad key ${planted}`, api_key: planted } }),
      )
      void request
    },
  })
  session = createSession({ connections: 2 })
})
afterAll(async () => {
  await session.close()
  await server.close()
})

const messages = [{ role: 'user' as const, content: 'Hi' }]

describe('bad input fails before any I/O', () => {
  const llm = () =>
    createClient({
      session,
      providers: { openai: { apiKey: 'sk-x', baseUrl: 'http://127.0.0.1:9/v1' } },
      // vllm is enabled without settings, for the row that needs its missing base URL.
      allowedProviders: ['vllm'],
    })
  it.each([
    ['model', { messages }],
    ['model', { model: 'gpt-4o', messages }],
    ['model', { model: 'nope/gpt-4o', messages }],
    ['messages', { model: 'openai/gpt-4o', messages: [] }],
    ['messages', { model: 'openai/gpt-4o', messages: 'hi' }],
    ['messages[0].role', { model: 'openai/gpt-4o', messages: [{ role: 'robot', content: 'x' }] }],
    ['messages[0].tool_call_id', { model: 'openai/gpt-4o', messages: [{ role: 'tool', content: 'x' }] }],
    ['messages[0].content', { model: 'openai/gpt-4o', messages: [{ role: 'user', content: 42 }] }],
    ['temperature', { model: 'openai/gpt-4o', messages, temperature: Number.NaN }],
    ['max_tokens', { model: 'openai/gpt-4o', messages, max_tokens: 1.5 }],
    ['headers.x-extra', { model: 'openai/gpt-4o', messages, headers: { 'x-extra': 'a\r\nInjected: 1' } }],
    ['apiKey', { model: 'openai/gpt-4o', messages, apiKey: 'sk-a\nb' }],
    ['baseUrl', { model: 'openai/gpt-4o', messages, baseUrl: 'ftp://example.com' }],
    ['baseUrl', { model: 'vllm/llama', messages }],
  ])('%s', async (field, request) => {
    const before = server.connections
    const error = await llm()
      .completion(request as never)
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(InvalidArgumentError)
    expect(error).toMatchObject({ field })
    expect(server.connections).toBe(before)
  })

  it('names the known providers and the missing key variable', async () => {
    const saved = process.env.OPENAI_API_KEY
    delete process.env.OPENAI_API_KEY
    try {
      const bare = createClient({ session })
      await expect(bare.completion({ model: 'nope/x', messages })).rejects.toThrow(
        /known providers: .*openai/,
      )
      await expect(
        bare.completion({ model: 'openai/gpt-4o', messages, baseUrl: server.url }),
      ).rejects.toThrow('OPENAI_API_KEY is not set and no apiKey was given for provider openai')
      expect(() => bare.stream({ model: 'openai/gpt-4o', messages: [] })).toThrow(InvalidArgumentError)
      expect(server.connections).toBe(0)
    } finally {
      if (saved !== undefined) process.env.OPENAI_API_KEY = saved
    }
  })

  it('checks client options when the client is created', () => {
    expect(() => createClient({ retries: -1 })).toThrow(expect.objectContaining({ field: 'retries' }))
    expect(() => createClient({ providers: { nope: {} } })).toThrow(
      expect.objectContaining({ field: 'providers.nope' }),
    )
    expect(() => createClient({ providers: { openai: { baseUrl: 'file:///x' } } })).toThrow(
      expect.objectContaining({ field: 'providers.openai.baseUrl' }),
    )
  })
})

describe('keys and secrets', () => {
  it('resolves the key per call: request, then client config, then environment', async () => {
    process.env.GROQ_API_KEY = 'from-env'
    try {
      const llm = createClient({
        session,
        providers: {
          groq: { baseUrl: `${server.url}/v1` },
          openai: { apiKey: 'from-config', baseUrl: `${server.url}/v1` },
        },
      })
      await llm.completion({ model: 'groq/llama', messages })
      expect(server.requests.at(-1)?.headers.authorization).toBe('Bearer from-env')
      await llm.completion({ model: 'openai/gpt-4o', messages })
      expect(server.requests.at(-1)?.headers.authorization).toBe('Bearer from-config')
      await llm.completion({ model: 'openai/gpt-4o', messages, apiKey: 'from-request' })
      expect(server.requests.at(-1)?.headers.authorization).toBe('Bearer from-request')
      await llm
        .with({ apiKey: 'from-binding', headers: { 'x-request-id': 'bound' } })
        .completion({ model: 'openai/gpt-4o', messages })
      expect(server.requests.at(-1)?.headers).toMatchObject({
        authorization: 'Bearer from-binding',
        'x-request-id': 'bound',
      })
    } finally {
      delete process.env.GROQ_API_KEY
    }
  })

  it('azure sends api-key (no bearer) to the deployments URL with api-version, or to /openai/v1', async () => {
    const classic = createClient({
      session,
      providers: { azure: { apiKey: 'az-key', baseUrl: server.url, apiVersion: '2024-10-21' } },
    })
    await classic.completion({ model: 'azure/my-deploy', messages })
    expect(server.requests.at(-1)?.url).toBe(
      '/openai/deployments/my-deploy/chat/completions?api-version=2024-10-21',
    )
    expect(server.requests.at(-1)?.headers['api-key']).toBe('az-key')
    expect(server.requests.at(-1)?.headers.authorization).toBeUndefined()
    const v1 = createClient({ session, providers: { azure: { apiKey: 'az-key', baseUrl: server.url } } })
    await v1.completion({ model: 'azure/my-deploy', messages })
    expect(server.requests.at(-1)?.url).toBe('/openai/v1/chat/completions')
    expect(JSON.parse(server.requests.at(-1)?.body ?? '{}').model).toBe('my-deploy')
  })

  it('never shows a planted key in JSON, inspect, results or errors', async () => {
    const logged: unknown[] = []
    const record = (object: unknown, message?: string) => logged.push({ object, message })
    const llm = createClient({
      session,
      logger: { debug: record, info: record, warn: record, error: record },
      providers: { openai: { apiKey: planted, baseUrl: `${server.url}/v1` } },
    })
    const result = await llm.completion({ model: 'openai/gpt-4o', messages })
    const stream = llm.stream({ model: 'openai/gpt-4o', messages })
    status = 401
    const error = await llm
      .completion({ model: 'openai/gpt-4o', messages })
      .catch((caught: unknown) => caught)
    status = 200
    expect(error).toBeInstanceOf(AuthenticationError)
    expect(logged).toContainEqual({
      object: expect.objectContaining({ provider: 'openai', sessionId: session.id, attempt: 1, status: 401 }),
      message: 'llm request failed',
    })
    for (const shown of [
      JSON.stringify(llm),
      inspect(llm, { depth: 10, showHidden: true }),
      JSON.stringify(stream),
      inspect(stream, { depth: 10, showHidden: true }),
      JSON.stringify(result),
      JSON.stringify(getCallInfo(result)),
      inspect(error, { depth: 10, showHidden: true }),
      JSON.stringify(error),
      String(error),
      JSON.stringify(logged),
    ])
      expect(shown).not.toContain('SECRET')
  })
})

describe('sessions', () => {
  it('top-level completion accepts a per-call undici Dispatcher; an owned session is closed by close()', async () => {
    const agent = new Agent()
    const before = server.connections
    const result = await completion({
      model: 'openai/gpt-4o',
      messages,
      apiKey: 'k',
      baseUrl: `${server.url}/v1`,
      session: agent,
    })
    expect(getCallInfo(result)).toMatchObject({ provider: 'openai', sessionId: undefined, attempts: 1 })
    expect(server.connections).toBe(before + 1)
    await agent.close()

    const owning = createClient({
      session: { connections: 1 },
      providers: { openai: { apiKey: 'k', baseUrl: `${server.url}/v1` } },
    })
    await owning.completion({ model: 'openai/gpt-4o', messages })
    await owning.close()
    await expect(owning.completion({ model: 'openai/gpt-4o', messages })).rejects.toMatchObject({
      name: 'SessionClosedError',
    })
    const borrowing = createClient({
      session,
      providers: { openai: { apiKey: 'k', baseUrl: `${server.url}/v1` } },
    })
    await borrowing.close()
    expect(session.closed).toBe(false)
  })

  it('createClient borrows a plain undici Dispatcher given as its session, and close() leaves it open', async () => {
    const agent = new Agent({ connections: 1 })
    const before = server.connections
    const llm = createClient({
      session: agent,
      providers: { openai: { apiKey: 'k', baseUrl: `${server.url}/v1` } },
    })
    expect(llm.sessionId).toBeUndefined()
    await llm.completion({ model: 'openai/gpt-4o', messages })
    await llm.completion({ model: 'openai/gpt-4o', messages })
    expect(server.connections).toBe(before + 1)
    await llm.close()
    expect(agent.closed).toBe(false)
    const again = await llm.completion({ model: 'openai/gpt-4o', messages })
    expect(again.choices[0]?.message.content).toBe('ok')
    await agent.close()
    expect(() => createClient({ session: 42 as never })).toThrow(
      expect.objectContaining({ name: 'InvalidArgumentError', field: 'session' }),
    )
  })
})
