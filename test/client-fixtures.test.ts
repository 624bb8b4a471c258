import { createHash } from 'node:crypto'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  BadRequestError,
  createClient,
  createSession,
  getCallInfo,
  type LlmClient,
  type LlmSession,
  NotFoundError,
  RateLimitError,
} from '../packages/core/src/index.js'
import { jsonlToSse, readFixture } from './helpers/fixtures.js'
import { type LoopbackServer, startLoopbackServer } from './helpers/loopback-server.js'
import { splitBytes, writePieces } from './helpers/split-bytes.js'
import { summarizeToolCalls } from './helpers/summarize-tool-calls.js'

/** The bytes to serve for a stream fixture: `.sse` as is, `.chunks.jsonl` wrapped as SSE with `[DONE]`. */
const streamBody = (file: string): Buffer =>
  file.endsWith('.sse') ? readFixture(file) : jsonlToSse(readFixture(file), { done: true })

interface StreamCase {
  file: string
  provider: string
  text?: string | null
  sha256?: string
  textLength?: number
  toolCalls?: Array<{ id: string; name: string; arguments: string }>
  finish?: string
  usage?: Record<string, number>
  model?: string
  reasoningLength?: number
  error?: { class: Function; status: number; code: string | number }
}

const streamCases: StreamCase[] = [
  {
    file: 'openai/chat-stream-text-usage.sse',
    provider: 'openai',
    text: 'The capital of Mexico is Mexico City.',
    finish: 'stop',
    usage: { prompt_tokens: 14, completion_tokens: 8, total_tokens: 22 },
  },
  {
    file: 'openai/chat-stream-parallel-tool-calls.sse',
    provider: 'openai',
    text: null,
    toolCalls: [
      { id: 'call_q2UyBRP7eXNTzAoR8lEhjc9Z', name: 'get_country', arguments: '{}' },
      { id: 'call_b51ijcpFkDiTQG1bQzsrmtW5', name: 'get_product_name', arguments: '{}' },
    ],
    finish: 'tool_calls',
    usage: { prompt_tokens: 364, completion_tokens: 40, total_tokens: 404 },
  },
  {
    file: 'openai/chat-stream-tool-call-fragmented-args.sse',
    provider: 'openai',
    toolCalls: [
      { id: 'call_LwxJUB9KppVyogRRLQsamRJv', name: 'get_weather', arguments: '{"city":"Mexico City"}' },
    ],
    finish: 'tool_calls',
    usage: { prompt_tokens: 423, completion_tokens: 15, total_tokens: 438 },
  },
  {
    file: 'openai/chat-stream-long-text.chunks.jsonl',
    provider: 'openai',
    textLength: 1724,
    sha256: '53b2d9e583d02b3ff0a0e83be5beb61ce1d16ccddc7ab9f033e72ec8ef55c8e4',
    finish: 'stop',
    usage: { prompt_tokens: 16, completion_tokens: 300, total_tokens: 316 },
  },
  {
    file: 'azure/chat-stream-content-filter.chunks.jsonl',
    provider: 'azure',
    text: 'Capital of Denmark.',
    finish: 'stop',
    model: 'gpt-5-nano-2025-08-07',
    usage: { prompt_tokens: 15, completion_tokens: 78, total_tokens: 93 },
  },
  {
    file: 'openai-compatible/groq-tool-call.chunks.jsonl',
    provider: 'groq',
    toolCalls: [{ id: 'tk85n1k4m', name: 'weather', arguments: '{}' }],
    finish: 'tool_calls',
    usage: { prompt_tokens: 210, completion_tokens: 15, total_tokens: 225 },
  },
  {
    file: 'openai-compatible/groq-stream-error-event.sse',
    provider: 'groq',
    error: { class: BadRequestError, status: 400, code: 'tool_use_failed' },
  },
  {
    file: 'openai-compatible/openrouter-stream-comments-inline-error.sse',
    provider: 'openrouter',
    error: { class: BadRequestError, status: 400, code: 400 },
  },
  {
    file: 'openai-compatible/mistral-tool-call-no-index.chunks.jsonl',
    provider: 'mistral',
    toolCalls: [{ id: 'gSIMJiOkT', name: 'weather', arguments: '{"location": "San Francisco"}' }],
    finish: 'tool_calls',
    usage: { prompt_tokens: 124, completion_tokens: 22, total_tokens: 146 },
  },
  {
    file: 'openai-compatible/qwen-tool-call-trailing-fragment.chunks.jsonl',
    provider: 'openai-compatible',
    toolCalls: [
      { id: 'call_eee11723464a4b9eb8cee71d', name: 'weather', arguments: '{"location": "San Francisco"}' },
    ],
    finish: 'tool_calls',
    usage: { prompt_tokens: 295, completion_tokens: 22, total_tokens: 317 },
  },
  {
    file: 'openai-compatible/deepseek-reasoning-tool-call.chunks.jsonl',
    provider: 'deepseek',
    reasoningLength: 191,
    toolCalls: [
      { id: 'call_00_ioIn7yN9p1ZOMNpDLwd4MgAF', name: 'weather', arguments: '{"location": "San Francisco"}' },
    ],
    finish: 'tool_calls',
    usage: { prompt_tokens: 339, completion_tokens: 83, total_tokens: 422 },
  },
  {
    file: 'openai-compatible/tool-call-index-starts-at-1.sse',
    provider: 'openai-compatible',
    text: 'Reading it.',
    toolCalls: [{ id: 'toolu_sanitized', name: 'read_file', arguments: '{"path": "a.txt"}' }],
    finish: 'tool_calls',
  },
]

let server: LoopbackServer
let session: LlmSession
let llm: LlmClient
/** What the server sends next, set per test: body bytes, status, split seed. */
let next: { body: Buffer; status: number; seed: number | undefined; contentType: string } = {
  body: Buffer.alloc(0),
  status: 200,
  seed: undefined,
  contentType: 'text/event-stream',
}

beforeAll(async () => {
  server = await startLoopbackServer({
    handler: async (_request, response) => {
      response.writeHead(next.status, {
        'content-type': next.contentType,
        'x-request-id': 'req_fixture',
        'x-ratelimit-remaining-requests': '99',
      })
      await writePieces(response, next.seed === undefined ? [next.body] : splitBytes(next.body, next.seed))
    },
  })
  session = createSession({ connections: 4 })
  llm = createClient({
    session,
    retries: 0,
    providers: {
      openai: { apiKey: 'sk-test', baseUrl: `${server.url}/v1` },
      azure: { apiKey: 'az-test', baseUrl: `${server.url}/openai/v1` },
      groq: { apiKey: 'gsk-test', baseUrl: `${server.url}/openai/v1` },
      openrouter: { apiKey: 'or-test', baseUrl: `${server.url}/api/v1` },
      mistral: { apiKey: 'm-test', baseUrl: `${server.url}/v1` },
      deepseek: { apiKey: 'd-test', baseUrl: `${server.url}/v1` },
      'openai-compatible': { baseUrl: `${server.url}/v1` },
    },
  })
})

afterAll(async () => {
  await session.close()
  await server.close()
})

const messages = [{ role: 'user' as const, content: 'Hi' }]

describe.each([1, 2, 3, 42])('stream fixtures re-split with seed %i', (seed) => {
  it.each(streamCases)('$file', async (testCase) => {
    next = { body: streamBody(testCase.file), status: 200, seed, contentType: 'text/event-stream' }
    const stream = llm.stream({ model: `${testCase.provider}/some-model`, messages })
    if (testCase.error !== undefined) {
      const error = await stream.finalCompletion().catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(testCase.error.class)
      expect(error).toMatchObject({
        status: testCase.error.status,
        providerCode: testCase.error.code,
        requestId: 'req_fixture',
      })
      return
    }
    const chunks = []
    for await (const chunk of stream) chunks.push(chunk)
    expect(chunks.length).toBeGreaterThan(0)
    const completion = await stream.finalCompletion()
    const message = completion.choices[0]?.message
    if (testCase.text !== undefined) expect(message?.content).toBe(testCase.text)
    if (testCase.sha256 !== undefined) {
      expect(message?.content?.length).toBe(testCase.textLength)
      expect(
        createHash('sha256')
          .update(message?.content ?? '')
          .digest('hex'),
      ).toBe(testCase.sha256)
    }
    if (testCase.toolCalls !== undefined)
      expect(summarizeToolCalls(message?.tool_calls)).toEqual(testCase.toolCalls)
    else expect(message?.tool_calls).toBeUndefined()
    if (testCase.reasoningLength !== undefined)
      expect(message?.reasoning?.length).toBe(testCase.reasoningLength)
    expect(completion.choices[0]?.finish_reason).toBe(testCase.finish)
    if (testCase.usage !== undefined) expect(completion.usage).toMatchObject(testCase.usage)
    else expect(completion.usage).toBeUndefined()
    if (testCase.model !== undefined) expect(completion.model).toBe(testCase.model)
    expect(completion.id).not.toBe('')
    expect(getCallInfo(stream)).toMatchObject({
      provider: testCase.provider,
      attempts: 1,
      requestId: 'req_fixture',
      sessionId: session.id,
    })
  })

  it('a stream cut before its finish reason is a ResponseParseError, not a silent success', async () => {
    const text = streamBody('openai/chat-stream-text-usage.sse').toString('utf8')
    const body = text.slice(0, text.indexOf('"finish_reason":"stop"'))
    next = {
      body: Buffer.from(body.slice(0, body.lastIndexOf('data:'))),
      status: 200,
      seed,
      contentType: 'text/event-stream',
    }
    const error = await llm
      .stream({ model: 'openai/gpt-4o', messages })
      .finalCompletion()
      .catch((caught: unknown) => caught)
    expect(error).toMatchObject({ name: 'ResponseParseError', message: expect.stringContaining('[DONE]') })
  })

  it('a stream without [DONE] whose every choice finished is a success, as openai-node treats it', async () => {
    const body = streamBody('openai/chat-stream-text-usage.sse')
      .toString('utf8')
      .replace('data: [DONE]\n\n', '')
    next = { body: Buffer.from(body), status: 200, seed, contentType: 'text/event-stream' }
    const completion = await llm.stream({ model: 'openai/gpt-4o', messages }).finalCompletion()
    expect(completion.choices[0]?.finish_reason).toBe('stop')
    expect(completion.usage?.total_tokens).toBe(22)
  })
})

describe('JSON fixtures', () => {
  const serve = (file: string, status: number) => {
    next = { body: readFixture(file), status, seed: undefined, contentType: 'application/json' }
  }

  it('openai/chat-completion-text.json', async () => {
    serve('openai/chat-completion-text.json', 200)
    const completion = await llm.completion({ model: 'openai/gpt-4.1-nano', messages })
    expect(completion.choices[0]?.message.content).toMatch(/^\*\*Holiday Name:\*\* Galaxy Day/)
    expect(completion.choices[0]?.message.refusal).toBeNull()
    expect(completion.choices[0]?.message.annotations).toEqual([])
    expect(completion.choices[0]?.finish_reason).toBe('stop')
    expect(completion.usage).toMatchObject({ prompt_tokens: 16, completion_tokens: 363, total_tokens: 379 })
    expect(getCallInfo(completion)).toMatchObject({
      provider: 'openai',
      model: 'gpt-4.1-nano',
      attempts: 1,
      requestId: 'req_fixture',
      rateLimit: { 'x-ratelimit-remaining-requests': '99' },
    })
    expect(Object.keys(completion)).not.toContain('callInfo')
  })

  it('openai/chat-completion-tool-calls.json', async () => {
    serve('openai/chat-completion-tool-calls.json', 200)
    const completion = await llm.completion({ model: 'openai/gpt-4o', messages })
    expect(completion.choices[0]?.message.content).toBeNull()
    expect(completion.choices[0]?.message.tool_calls).toEqual([
      {
        id: 'call_iXFttys57ap0o16JSlC8yhYo',
        type: 'function',
        function: { name: 'get_user_country', arguments: '{}' },
      },
    ])
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls')
    expect(completion.usage).toMatchObject({ prompt_tokens: 68, completion_tokens: 12, total_tokens: 80 })
  })

  it('ollama/openai-compat-chat-completion.json through openai-compatible', async () => {
    serve('ollama/openai-compat-chat-completion.json', 200)
    const completion = await llm.completion({ model: 'openai-compatible/qwen3:0.6b', messages })
    expect(completion.id).toBe('chatcmpl-150')
    expect(completion.choices[0]?.message.content).toBe('{ "city": "Paris", "country": "France" }')
    expect(typeof completion.choices[0]?.message.reasoning).toBe('string')
    expect(completion.usage).toMatchObject({ prompt_tokens: 136, completion_tokens: 15, total_tokens: 151 })
  })

  it('openai/embeddings.json', async () => {
    serve('openai/embeddings.json', 200)
    const result = await llm.embedding({ model: 'openai/text-embedding-3-small', input: ['a', 'b'] })
    expect(result.object).toBe('list')
    expect(result.data.map((item) => [item.index, item.embedding.length])).toEqual([
      [0, 5],
      [1, 5],
    ])
    expect(result.model).toBe('text-embedding-3-small')
    expect(result.usage).toEqual({ prompt_tokens: 12, total_tokens: 12 })
    expect(getCallInfo(result)?.attempts).toBe(1)
  })

  it.each([
    [
      'openai/error-400-unsupported-parameter.json',
      400,
      'openai',
      BadRequestError,
      {
        param: 'max_tokens',
        providerCode: 'unsupported_parameter',
        type: 'invalid_request_error',
        retryable: false,
      },
    ],
    [
      'openai/error-404-model-not-found.json',
      404,
      'openai',
      NotFoundError,
      { providerCode: 'model_not_found', retryable: false },
    ],
    [
      'openai-compatible/groq-error-400-tool-use-failed.json',
      400,
      'groq',
      BadRequestError,
      { providerCode: 'tool_use_failed' },
    ],
    [
      'openai-compatible/openrouter-error-429.json',
      429,
      'openrouter',
      RateLimitError,
      { providerCode: 429, retryable: true },
    ],
  ] as const)('%s → %s', async (file, status, provider, ErrorClass, fields) => {
    serve(file, status)
    const error = await llm
      .completion({ model: `${provider}/m`, messages })
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ErrorClass)
    expect(error).toMatchObject({ status, provider, requestId: 'req_fixture', ...fields })
  })
})

describe('differential: the official openai package assembles the same result', () => {
  it.each([
    'openai/chat-stream-text-usage.sse',
    'openai/chat-stream-parallel-tool-calls.sse',
    'openai/chat-stream-tool-call-fragmented-args.sse',
    'openai/chat-stream-long-text.chunks.jsonl',
  ])('%s', async (file) => {
    next = { body: streamBody(file), status: 200, seed: 7, contentType: 'text/event-stream' }
    const ours = await llm.stream({ model: 'openai/gpt-4o', messages }).finalCompletion()
    const official = new OpenAI({ apiKey: 'sk-test', baseURL: `${server.url}/v1`, maxRetries: 0 })
    const theirs = await official.chat.completions.stream({ model: 'gpt-4o', messages }).finalChatCompletion()
    const pick = (choice: (typeof ours.choices)[number] | (typeof theirs.choices)[number] | undefined) => ({
      content: choice?.message.content ?? null,
      toolCalls: (choice?.message.tool_calls ?? []).map((call) =>
        'function' in call
          ? { id: call.id, name: call.function.name, arguments: call.function.arguments }
          : call,
      ),
      finish: choice?.finish_reason,
    })
    expect(pick(ours.choices[0])).toEqual(pick(theirs.choices[0]))
    expect(ours.usage).toEqual(theirs.usage)
    expect(ours.id).toBe(theirs.id)
    expect(ours.model).toBe(theirs.model)
  })
})
