import type { ServerResponse } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type ChatCompletion,
  type ChatMessage,
  createClient,
  createSession,
  type LlmSession,
} from '../packages/core/src/index.js'
import { type LoopbackServer, type RecordedRequest, startLoopbackServer } from './helpers/loopback-server.js'
import {
  checkAnthropicRequest,
  checkDeepSeekRequest,
  checkGeminiRequest,
  checkGroqRequest,
  checkMistralRequest,
  checkOpenAIRequest,
} from './helpers/provider-rules.js'

// The README's agent loop, per provider: call, push the returned message back as it is, add the
// tool result, call again. Each loopback server refuses the second request the way the real
// provider documents (DeepSeek's reasoning_content rule, Anthropic's thinking-block rule, Mistral's
// extra-field rule…), so the loop only passes when each round trip is translated right.

const tools = [
  {
    type: 'function' as const,
    function: {
      name: 'get_weather',
      parameters: { type: 'object', properties: { city: { type: 'string' } } },
    },
  },
]
const signature = 'EqQBCkYIBxgCKkDsig'
const redacted = 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP'

const sse = (events: unknown[], done = true): string =>
  events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join('') + (done ? 'data: [DONE]\n\n' : '')
const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
  id: 'c1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices: [{ index: 0, delta, finish_reason: finish }],
})
const toolCallDelta = {
  tool_calls: [
    {
      index: 0,
      id: 'call_1',
      type: 'function',
      function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
    },
  ],
}
const openAIBody = (message: Record<string, unknown>, finish: string) => ({
  id: 'c1',
  object: 'chat.completion',
  created: 1,
  model: 'm',
  choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finish, logprobs: null }],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
})
const anthropicEvents = (events: Array<Record<string, unknown>>): string =>
  events.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`).join('')

const finalAnswerStream = sse([chunk({ role: 'assistant', content: 'It is 21 degrees.' }), chunk({}, 'stop')])

interface LoopCase {
  provider: string
  model: string
  stream: boolean
  extraBody?: Record<string, unknown>
  /** The provider's check of a request; an error message means it refuses it. */
  check(body: Record<string, unknown>): string | undefined
  /** The answer to the first request (a tool call) and to the second (text). */
  answer(second: boolean, response: ServerResponse): void
}

const json = (response: ServerResponse, body: unknown) => {
  response.writeHead(200, { 'content-type': 'application/json' })
  response.end(JSON.stringify(body))
}
const stream = (response: ServerResponse, text: string) => {
  response.writeHead(200, { 'content-type': 'text/event-stream' })
  response.end(text)
}

const cases: LoopCase[] = [
  {
    provider: 'openai',
    model: 'o3-mini',
    stream: false,
    check: checkOpenAIRequest,
    answer: (second, response) =>
      json(
        response,
        second
          ? openAIBody({ content: 'It is 21 degrees.', refusal: null, annotations: [] }, 'stop')
          : openAIBody(
              { content: null, refusal: null, annotations: [], tool_calls: toolCallDelta.tool_calls },
              'tool_calls',
            ),
      ),
  },
  {
    provider: 'deepseek',
    model: 'deepseek-reasoner',
    stream: true,
    check: checkDeepSeekRequest,
    answer: (second, response) =>
      stream(
        response,
        second
          ? finalAnswerStream
          : sse([
              chunk({ role: 'assistant', content: null, reasoning_content: 'The user wants ' }),
              chunk({ reasoning_content: 'the weather.' }),
              chunk(toolCallDelta),
              chunk({}, 'tool_calls'),
            ]),
      ),
  },
  {
    provider: 'mistral',
    model: 'magistral-medium-latest',
    stream: false,
    check: checkMistralRequest,
    answer: (second, response) =>
      json(
        response,
        second
          ? openAIBody(
              {
                content: [
                  { type: 'thinking', thinking: [{ type: 'text', text: 'Got 21.' }] },
                  { type: 'text', text: 'It is 21 degrees.' },
                ],
              },
              'stop',
            )
          : openAIBody(
              {
                content: [{ type: 'thinking', thinking: [{ type: 'text', text: 'Call the tool.' }] }],
                tool_calls: [
                  { id: 'call_1', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
                ],
              },
              'tool_calls',
            ),
      ),
  },
  {
    provider: 'groq',
    model: 'openai/gpt-oss-20b',
    stream: true,
    check: checkGroqRequest,
    answer: (second, response) =>
      stream(
        response,
        second
          ? finalAnswerStream
          : sse([
              chunk({ role: 'assistant', reasoning: 'Need the tool.' }),
              chunk(toolCallDelta),
              chunk({}, 'tool_calls'),
            ]),
      ),
  },
  {
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    stream: true,
    extraBody: { thinking: { type: 'enabled', budget_tokens: 1024 } },
    check: (body) => checkAnthropicRequest(body, new Set([signature])),
    answer: (second, response) => {
      const start = {
        type: 'message_start',
        message: {
          id: 'msg_1',
          model: 'claude-sonnet-4-5',
          content: [],
          usage: { input_tokens: 5, output_tokens: 1 },
        },
      }
      const stop = [
        {
          type: 'message_delta',
          delta: { stop_reason: second ? 'end_turn' : 'tool_use' },
          usage: { output_tokens: 9 },
        },
        { type: 'message_stop' },
      ]
      const blocks = second
        ? [
            { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
            {
              type: 'content_block_delta',
              index: 0,
              delta: { type: 'text_delta', text: 'It is 21 degrees.' },
            },
            { type: 'content_block_stop', index: 0 },
          ]
        : [
            {
              type: 'content_block_start',
              index: 0,
              content_block: { type: 'thinking', thinking: '', signature: '' },
            },
            {
              type: 'content_block_delta',
              index: 0,
              delta: { type: 'thinking_delta', thinking: 'Call the tool.' },
            },
            { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature } },
            { type: 'content_block_stop', index: 0 },
            {
              type: 'content_block_start',
              index: 1,
              content_block: { type: 'redacted_thinking', data: redacted },
            },
            { type: 'content_block_stop', index: 1 },
            {
              type: 'content_block_start',
              index: 2,
              content_block: { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} },
            },
            {
              type: 'content_block_delta',
              index: 2,
              delta: { type: 'input_json_delta', partial_json: '{"city":"Paris"}' },
            },
            { type: 'content_block_stop', index: 2 },
          ]
      stream(response, anthropicEvents([start, ...blocks, ...stop]))
    },
  },
  {
    provider: 'gemini',
    model: 'gemini-3-pro-preview',
    stream: true,
    check: checkGeminiRequest,
    answer: (second, response) => {
      const parts = second
        ? [{ text: 'It is 21 degrees.' }]
        : [
            { text: 'Call the tool.', thought: true },
            { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'CiQB0e2Kb' },
          ]
      response.writeHead(200, { 'content-type': 'text/event-stream' })
      response.end(
        `data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }], usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 4, totalTokenCount: 7 } })}\r\n\r\n`,
      )
    },
  },
]

let server: LoopbackServer
let session: LlmSession
let current: LoopCase

beforeAll(async () => {
  server = await startLoopbackServer({
    handler: (request: RecordedRequest, response) => {
      const body = JSON.parse(request.body) as Record<string, unknown>
      const refusal = current.check(body)
      if (refusal !== undefined) {
        response.writeHead(400, { 'content-type': 'application/json' })
        response.end(JSON.stringify({ error: { message: refusal, type: 'invalid_request_error' } }))
        return
      }
      // The second request is the one carrying the tool result.
      current.answer(request.body.includes('celsius'), response)
    },
  })
  session = createSession({ name: 'tool-loop' })
})
afterAll(async () => {
  await session.close()
  await server.close()
})

async function call(loop: LoopCase, messages: ChatMessage[]): Promise<ChatCompletion> {
  const llm = createClient({
    session,
    retries: 0,
    providers: { [loop.provider]: { apiKey: 'test-key', baseUrl: server.url } },
  })
  const request = {
    model: `${loop.provider}/${loop.model}`,
    messages,
    tools,
    max_tokens: 512,
    ...(loop.extraBody ? { extraBody: loop.extraBody } : {}),
  }
  return loop.stream ? llm.stream(request).finalCompletion() : llm.completion(request)
}

describe('a multi-turn tool loop round-trips on every provider', () => {
  for (const loop of cases)
    it(`${loop.provider}/${loop.model} (${loop.stream ? 'stream' : 'JSON'})`, async () => {
      current = loop
      const messages: ChatMessage[] = [{ role: 'user', content: 'Weather in Paris?' }]
      const first = await call(loop, messages)
      const reply = first.choices[0]!.message
      expect(first.choices[0]?.finish_reason).toBe('tool_calls')
      expect(reply.tool_calls?.[0]?.function).toEqual({ name: 'get_weather', arguments: '{"city":"Paris"}' })
      messages.push(reply)
      messages.push({ role: 'tool', tool_call_id: reply.tool_calls![0]!.id, content: '{"celsius":21}' })
      const second = await call(loop, messages)
      expect(second.choices[0]?.message.content).toBe('It is 21 degrees.')

      // The validator is real: the message pushed back without translation would be refused.
      const sent = JSON.parse(server.requests.at(-1)!.body) as Record<string, unknown>
      expect(loop.check(sent)).toBeUndefined()
      const naive = structuredClone(sent)
      const history = (naive.messages ?? naive.contents) as Array<Record<string, unknown>>
      const index = history.findIndex((message) => message.role === 'assistant' || message.role === 'model')
      if (loop.provider === 'anthropic') (history[index]!.content as unknown[]).splice(0, 2)
      else if (loop.provider === 'gemini')
        for (const part of history[index]!.parts as Array<Record<string, unknown>>)
          delete part.thoughtSignature
      else if (loop.provider === 'deepseek') delete history[index]!.reasoning_content
      else history[index] = { ...reply, ...history[index], refusal: null, annotations: [] }
      expect(loop.check(naive)).toEqual(expect.any(String))
    })

  it('Anthropic: the thinking blocks come back first, with their signature and the redacted block', () => {
    const requests = server.requests.filter((request) => request.url === '/v1/messages')
    const sent = JSON.parse(requests.at(-1)!.body) as {
      messages: Array<{ role: string; content: unknown[] }>
    }
    expect(sent.messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'Call the tool.', signature },
        { type: 'redacted_thinking', data: redacted },
        { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
      ],
    })
  })
})
