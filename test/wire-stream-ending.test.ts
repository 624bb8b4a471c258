import type { ServerResponse } from 'node:http'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type ChatMessage, createClient, createSession, type LlmSession } from '../packages/core/src/index.js'
import { type LoopbackServer, startLoopbackServer } from './helpers/loopback-server.js'

// A stream is over at its terminator, not when the server closes the body: the reader finishes at
// once, and the socket goes back to the pool (or is closed) even when the server keeps it open.

const messages: ChatMessage[] = [{ role: 'user', content: 'Hi' }]
const openAIChunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`
const openAIStream = `${openAIChunk({ role: 'assistant', content: 'Hel' })}${openAIChunk({ content: 'lo' })}${openAIChunk({}, 'stop')}data: [DONE]\n\n`
const anthropicStream = [
  { type: 'message_start', message: { id: 'msg_1', model: 'c', content: [], usage: { input_tokens: 1 } } },
  { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
  { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello' } },
  { type: 'content_block_stop', index: 0 },
  { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 2 } },
  { type: 'message_stop' },
]
  .map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`)
  .join('')
const ollamaStream = `${JSON.stringify({ model: 'l', message: { role: 'assistant', content: 'Hello' }, done: false })}\n${JSON.stringify({ model: 'l', message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop', prompt_eval_count: 1, eval_count: 2 })}\n`
const geminiStream = `data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text: 'Hello' }] }, finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 2, totalTokenCount: 3 } })}\r\n\r\n`

const formats = [
  { provider: 'openai', model: 'gpt-4o', body: openAIStream, type: 'text/event-stream' },
  { provider: 'anthropic', model: 'claude-sonnet-4-5', body: anthropicStream, type: 'text/event-stream' },
  { provider: 'ollama', model: 'llama3', body: ollamaStream, type: 'application/x-ndjson' },
]

let server: LoopbackServer
let session: LlmSession
let hold = false
let body = openAIStream
let contentType = 'text/event-stream'

beforeEach(async () => {
  server = await startLoopbackServer({
    handler: (_request, response: ServerResponse) => {
      response.writeHead(200, { 'content-type': contentType })
      // Held: the whole answer, terminator included, but the response never ends.
      if (hold) response.write(body)
      else response.end(body)
    },
  })
  session = createSession({ name: 'stream-ending' })
})
afterEach(async () => {
  await session.destroy()
  await server.close()
})

const clientFor = (provider: string, idleTimeout = 60_000) =>
  createClient({
    session,
    retries: 0,
    idleTimeout,
    providers: { [provider]: { apiKey: 'k', baseUrl: server.url } },
  })

describe('a stream completes at its terminator', () => {
  for (const format of formats)
    it(`${format.provider}: the reader ends and the socket is closed though the server holds the connection`, async () => {
      hold = true
      body = format.body
      contentType = format.type
      const stream = clientFor(format.provider).stream({
        model: `${format.provider}/${format.model}`,
        messages,
      })
      const texts: string[] = []
      for await (const chunk of stream) texts.push(chunk.choices[0]?.delta.content ?? '')
      expect(texts.join('')).toBe('Hello')
      expect((await stream.finalCompletion()).choices[0]?.finish_reason).toBe('stop')
      // Not the idle timeout (60 s): the bounded drain after the terminator gives the socket up.
      await server.allClosed()
      expect(server.openConnections).toBe(0)
    })

  for (const format of formats)
    it(`${format.provider}: a server that ends the body gets the socket back for the next call`, async () => {
      hold = false
      body = format.body
      contentType = format.type
      const llm = clientFor(format.provider)
      for (let i = 0; i < 3; i++) {
        const completion = await llm
          .stream({ model: `${format.provider}/${format.model}`, messages })
          .finalCompletion()
        expect(completion.choices[0]?.message.content).toBe('Hello')
      }
      expect(server.connections).toBe(1)
    })

  it('gemini: silence after every candidate finished completes the stream (no terminator, no EOF)', async () => {
    hold = true
    body = geminiStream
    contentType = 'text/event-stream'
    const completion = await clientFor('gemini', 200)
      .stream({ model: 'gemini/gemini-2.5-flash', messages })
      .finalCompletion()
    expect(completion.choices[0]?.message.content).toBe('Hello')
    expect(completion.usage?.total_tokens).toBe(3)
  })

  it('an OpenAI stream held open before its finish reason is still an idle TimeoutError', async () => {
    hold = true
    body = openAIChunk({ role: 'assistant', content: 'Hel' })
    contentType = 'text/event-stream'
    const error = await clientFor('openai', 100)
      .stream({ model: 'openai/gpt-4o', messages })
      .finalCompletion()
      .catch((caught: unknown) => caught)
    expect(error).toMatchObject({ name: 'TimeoutError', timeout: 'idle' })
  })
})

describe('a call aborted before it starts opens no socket', () => {
  it('completion, stream and embedding reject with the AbortError and the server sees no connection', async () => {
    const controller = new AbortController()
    controller.abort()
    const llm = clientFor('openai')
    const signal = controller.signal
    const errors = await Promise.all([
      llm.completion({ model: 'openai/gpt-4o', messages, signal }).catch((caught: unknown) => caught),
      llm
        .stream({ model: 'openai/gpt-4o', messages, signal })
        .finalCompletion()
        .catch((caught: unknown) => caught),
      llm
        .embedding({ model: 'openai/text-embedding-3-small', input: 'a', signal })
        .catch((caught: unknown) => caught),
      createClient({
        session,
        retries: 0,
        providers: { vertex: { project: 'p', getAccessToken: async () => 'token', baseUrl: server.url } },
      })
        .completion({ model: 'vertex/gemini-2.5-flash', messages, signal })
        .catch((caught: unknown) => caught),
    ])
    for (const error of errors) expect(error).toMatchObject({ name: 'AbortError' })
    expect(server.connections).toBe(0)
    expect(session.stats()).toMatchObject({ requests: 0 })
  })
})
