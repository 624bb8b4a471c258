import { Readable } from 'node:stream'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type ChatCompletion,
  createClient,
  createSession,
  type LlmSession,
} from '../packages/core/src/index.js'
import { jsonlToSse, readFixture } from './helpers/fixtures.js'
import { type LoopbackServer, startLoopbackServer } from './helpers/loopback-server.js'

// Differential: what toSSEStream() relays, for every provider, is read by the official openai
// package's chat.completions.stream() (ChatCompletionStream: it needs a role and a finish reason
// per choice, a type and name per tool call), and its final completion agrees with ours.
// Crafted OpenAI streams check the accumulation itself against openai-node (logprobs, refusal).

interface Source {
  file: string
  provider: string
  model: string
  body: Buffer
  type: string
}

const anthropicSse = (file: string) =>
  jsonlToSse(readFixture(file), { eventName: (line) => (JSON.parse(line) as { type: string }).type })
const sources: Source[] = [
  {
    file: 'openai/chat-stream-parallel-tool-calls.sse',
    provider: 'openai',
    model: 'gpt-4o',
    body: readFixture('openai/chat-stream-parallel-tool-calls.sse'),
    type: 'text/event-stream',
  },
  {
    file: 'openai/chat-stream-text-usage.sse',
    provider: 'openai',
    model: 'gpt-4o',
    body: readFixture('openai/chat-stream-text-usage.sse'),
    type: 'text/event-stream',
  },
  {
    file: 'openai-compatible/mistral-tool-call-no-index.chunks.jsonl',
    provider: 'mistral',
    model: 'mistral-small',
    body: jsonlToSse(readFixture('openai-compatible/mistral-tool-call-no-index.chunks.jsonl'), {
      done: true,
    }),
    type: 'text/event-stream',
  },
  {
    file: 'openai-compatible/deepseek-reasoning-tool-call.chunks.jsonl',
    provider: 'deepseek',
    model: 'deepseek-reasoner',
    body: jsonlToSse(readFixture('openai-compatible/deepseek-reasoning-tool-call.chunks.jsonl'), {
      done: true,
    }),
    type: 'text/event-stream',
  },
  {
    file: 'anthropic/messages-stream-text-tool-use.sse',
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    body: readFixture('anthropic/messages-stream-text-tool-use.sse'),
    type: 'text/event-stream',
  },
  {
    file: 'anthropic/messages-stream-tool-no-args.chunks.jsonl',
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    body: anthropicSse('anthropic/messages-stream-tool-no-args.chunks.jsonl'),
    type: 'text/event-stream',
  },
  {
    file: 'gemini/stream-text.sse',
    provider: 'gemini',
    model: 'gemini-2.5-flash',
    body: readFixture('gemini/stream-text.sse'),
    type: 'text/event-stream',
  },
  {
    file: 'gemini/stream-function-call-thought-signature.sse',
    provider: 'gemini',
    model: 'gemini-3-pro-preview',
    body: readFixture('gemini/stream-function-call-thought-signature.sse'),
    type: 'text/event-stream',
  },
  {
    file: 'ollama/native-chat-stream-tool-call.ndjson',
    provider: 'ollama',
    model: 'llama3.1',
    body: readFixture('ollama/native-chat-stream-tool-call.ndjson'),
    type: 'application/x-ndjson',
  },
  {
    file: 'ollama/native-chat-stream-excerpt.ndjson',
    provider: 'ollama',
    model: 'llama3.1',
    body: readFixture('ollama/native-chat-stream-excerpt.ndjson'),
    type: 'application/x-ndjson',
  },
]

let upstream: LoopbackServer
let relay: LoopbackServer
let session: LlmSession
let current: Source
let openai: OpenAI

beforeAll(async () => {
  session = createSession({ name: 'openai-sdk-reader' })
  upstream = await startLoopbackServer({
    handler: (_request, response) => {
      response.writeHead(200, { 'content-type': current.type })
      response.end(current.body)
    },
  })
  // Relays llm-session's OpenAI-shaped SSE, as a route built on toSSEStream() would.
  relay = await startLoopbackServer({
    handler: (_request, response) => {
      const llm = createClient({
        session,
        retries: 0,
        providers: { [current.provider]: { apiKey: 'k', baseUrl: upstream.url } },
      })
      response.writeHead(200, { 'content-type': 'text/event-stream' })
      Readable.fromWeb(
        llm
          .stream({
            model: `${current.provider}/${current.model}`,
            messages: [{ role: 'user', content: 'Hi' }],
          })
          .toSSEStream() as never,
      ).pipe(response)
    },
  })
  openai = new OpenAI({ apiKey: 'k', baseURL: relay.url, maxRetries: 0 })
})
afterAll(async () => {
  await relay.close()
  await upstream.close()
  await session.close()
})

const summary = (completion: ChatCompletion | OpenAI.ChatCompletion) =>
  completion.choices.map((choice) => ({
    content: choice.message.content,
    finish: choice.finish_reason,
    tools: (choice.message.tool_calls ?? []).map((call) =>
      call.type === 'function'
        ? { id: call.id, name: call.function.name, arguments: call.function.arguments }
        : call,
    ),
  }))

describe("the openai package's stream reader accepts what toSSEStream() relays", () => {
  for (const source of sources)
    it(`${source.provider}: ${source.file}`, async () => {
      current = source
      const llm = createClient({
        session,
        retries: 0,
        providers: { [source.provider]: { apiKey: 'k', baseUrl: upstream.url } },
      })
      const ours = await llm
        .stream({ model: `${source.provider}/${source.model}`, messages: [{ role: 'user', content: 'Hi' }] })
        .finalCompletion()
      const stream = openai.chat.completions.stream({
        model: source.model,
        messages: [{ role: 'user', content: 'Hi' }],
      })
      const theirs = await stream.finalChatCompletion()
      expect(summary(theirs)).toEqual(summary(ours))
      expect(theirs.choices[0]?.message.role).toBe('assistant')
    })
})

describe('stream accumulation agrees with openai-node on crafted streams', () => {
  const chunk = (choice: Record<string, unknown>) =>
    `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', choices: [{ index: 0, finish_reason: null, ...choice }] })}\n\n`
  const token = (text: string) => ({
    token: text,
    logprob: -0.1,
    bytes: [...Buffer.from(text)],
    top_logprobs: [],
  })

  it('logprobs are concatenated across chunks, refusal is joined', async () => {
    current = {
      file: 'crafted',
      provider: 'openai',
      model: 'gpt-4o',
      type: 'text/event-stream',
      body: Buffer.from(
        chunk({
          delta: { role: 'assistant', content: 'He' },
          logprobs: { content: [token('He')], refusal: null },
        }) +
          chunk({ delta: { content: 'llo' }, logprobs: { content: [token('llo')], refusal: null } }) +
          chunk({ delta: { refusal: 'I can' } }) +
          chunk({ delta: { refusal: 'not.' } }) +
          chunk({ delta: {}, finish_reason: 'stop' }) +
          'data: [DONE]\n\n',
      ),
    }
    const direct = new OpenAI({ apiKey: 'k', baseURL: upstream.url, maxRetries: 0 })
    const theirs = await direct.chat.completions
      .stream({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] })
      .finalChatCompletion()
    const llm = createClient({
      session,
      retries: 0,
      providers: { openai: { apiKey: 'k', baseUrl: upstream.url } },
    })
    const ours = await llm
      .stream({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'Hi' }] })
      .finalCompletion()
    const tokens = (logprobs: unknown) =>
      ((logprobs as { content: Array<{ token: string }> }).content ?? []).map((entry) => entry.token)
    expect(tokens(ours.choices[0]?.logprobs)).toEqual(['He', 'llo'])
    // openai-node 6.49 concatenates too, but its snapshot starts as the first chunk's logprobs and
    // then appends that same chunk's content again, so the first tokens appear twice.
    expect(tokens(theirs.choices[0]?.logprobs)).toEqual(['He', 'He', 'llo'])
    expect(ours.choices[0]?.message.refusal).toBe(theirs.choices[0]?.message.refusal)
    expect(ours.choices[0]?.message.content).toBe('Hello')
  })

  it('a body without [DONE] whose choice finished succeeds in both; one cut before its finish fails in both', async () => {
    const direct = new OpenAI({ apiKey: 'k', baseURL: upstream.url, maxRetries: 0 })
    const llm = createClient({
      session,
      retries: 0,
      providers: { openai: { apiKey: 'k', baseUrl: upstream.url } },
    })
    const read = () =>
      Promise.all([
        direct.chat.completions
          .stream({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] })
          .finalChatCompletion()
          .catch((caught: unknown) => caught),
        llm
          .stream({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'Hi' }] })
          .finalCompletion()
          .catch((caught: unknown) => caught),
      ])
    const start = chunk({ delta: { role: 'assistant', content: 'Hi' } })
    current = {
      file: 'crafted',
      provider: 'openai',
      model: 'gpt-4o',
      type: 'text/event-stream',
      body: Buffer.from(start + chunk({ delta: {}, finish_reason: 'stop' })),
    }
    const [theirs, ours] = await read()
    expect((theirs as OpenAI.ChatCompletion).choices[0]?.message.content).toBe('Hi')
    expect((ours as ChatCompletion).choices[0]?.message.content).toBe('Hi')
    current = { ...current, body: Buffer.from(start) }
    const [theirError, ourError] = await read()
    expect(theirError).toBeInstanceOf(Error)
    expect((theirError as Error).message).toContain('missing finish_reason')
    expect(ourError).toMatchObject({ name: 'ResponseParseError' })
  })
})
