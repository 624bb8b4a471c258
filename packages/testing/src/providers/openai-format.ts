import type { OutgoingHttpHeaders } from 'node:http'
import {
  createEmbedding,
  createMockAnswer,
  fragmentArguments,
  type MockAnswer,
  textOf,
} from '../mock-provider/mock-answer.js'
import type { MockExchange } from '../mock-provider/mock-exchange.js'
import type { MockWireFormat } from '../mock-provider/mock-wire-format.js'
import { sendJson, sendStream, sseFrame, sseHeaders } from '../mock-provider/send-response.js'

const errorTypes: Record<number, [type: string, code: string | null]> = {
  400: ['invalid_request_error', null],
  401: ['invalid_request_error', 'invalid_api_key'],
  403: ['permission_error', null],
  404: ['invalid_request_error', 'model_not_found'],
  409: ['invalid_request_error', 'conflict'],
  422: ['invalid_request_error', null],
  429: ['requests', 'rate_limit_exceeded'],
}

const openAiHeaders: OutgoingHttpHeaders = {
  'openai-version': '2020-10-01',
  'openai-processing-ms': '1',
  'x-ratelimit-limit-requests': '10000',
  'x-ratelimit-remaining-requests': '9999',
  'x-ratelimit-reset-requests': '6ms',
  'x-ratelimit-limit-tokens': '1000000',
  'x-ratelimit-remaining-tokens': '999000',
  'x-ratelimit-reset-tokens': '60ms',
}

type Message = { role?: string; content?: unknown }

function usage(answer: MockAnswer) {
  return {
    prompt_tokens: answer.promptTokens,
    completion_tokens: answer.completionTokens,
    total_tokens: answer.promptTokens + answer.completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  }
}

function answerFor(exchange: MockExchange): MockAnswer {
  const messages = (Array.isArray(exchange.body.messages) ? exchange.body.messages : []) as Message[]
  const lastUser = messages.findLast((message) => message?.role === 'user')
  const maxTokens = exchange.body.max_completion_tokens ?? exchange.body.max_tokens
  return createMockAnswer(exchange, {
    lastUserMessage: textOf(lastUser?.content),
    prompt: messages,
    hasTools: Array.isArray(exchange.body.tools) && exchange.body.tools.length > 0,
    hasToolResults: messages.at(-1)?.role === 'tool',
    maxTokens: typeof maxTokens === 'number' ? maxTokens : undefined,
  })
}

function toolCalls(exchange: MockExchange, answer: MockAnswer) {
  return answer.toolCalls.map((call, index) => ({
    id: `call_mock_${exchange.sequence}_${index}`,
    type: 'function' as const,
    function: { name: call.name, arguments: JSON.stringify(call.arguments) },
  }))
}

async function chat(exchange: MockExchange): Promise<void> {
  const answer = answerFor(exchange)
  const id = `chatcmpl-mock${exchange.sequence}`
  const created = Math.floor(Date.now() / 1000)
  const model = exchange.model
  const base = { id, created, model, system_fingerprint: 'fp_mock', service_tier: 'default' }
  const calls = toolCalls(exchange, answer)
  if (!exchange.stream) {
    const message = {
      role: 'assistant',
      content: calls.length > 0 ? null : answer.text,
      refusal: null,
      annotations: [],
      ...(calls.length > 0 ? { tool_calls: calls } : {}),
    }
    const choice = { index: 0, message, logprobs: null, finish_reason: answer.finish }
    return sendJson(
      exchange,
      200,
      { ...base, object: 'chat.completion', choices: [choice], usage: usage(answer) },
      openAiHeaders,
    )
  }
  const includeUsage =
    (exchange.body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    sseFrame({
      ...base,
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...(includeUsage ? { usage: null } : {}),
    })
  const frames: string[] = []
  if (exchange.route.startsWith('azure.')) {
    // Azure's first chunk: no choices, empty id, only the prompt filter results.
    frames.push(
      sseFrame({ choices: [], created: 0, id: '', model: '', object: '', prompt_filter_results: [] }),
    )
  }
  frames.push(chunk({ role: 'assistant', content: calls.length > 0 ? null : '', refusal: null }))
  for (const piece of answer.pieces) frames.push(chunk({ content: piece }))
  calls.forEach((call, index) => {
    const [first = '', ...rest] = fragmentArguments(call.function.arguments)
    frames.push(
      chunk({
        tool_calls: [
          { index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } },
        ],
      }),
    )
    for (const fragment of [first, ...rest])
      frames.push(chunk({ tool_calls: [{ index, function: { arguments: fragment } }] }))
  })
  // The finish chunk belongs to the end: a stream that has it but no [DONE] is whole for the
  // SDKs (openai-node accepts it), so truncated-stream cuts before it.
  const terminator = [chunk({}, answer.finish)]
  if (includeUsage)
    terminator.push(sseFrame({ ...base, object: 'chat.completion.chunk', choices: [], usage: usage(answer) }))
  terminator.push(sseFrame('[DONE]'))
  return sendStream(exchange, {
    headers: { ...sseHeaders, ...openAiHeaders },
    frames,
    terminator,
    // Groq's and OpenAI-compatible servers' error inside a 200 stream.
    errorFrame: sseFrame(
      {
        error: {
          message: 'The server had an error while processing your request.',
          type: 'server_error',
          code: null,
        },
      },
      'error',
    ),
    malformedFrame: `data: {"id":"${id}","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":\n\n`,
  })
}

async function embeddings(exchange: MockExchange): Promise<void> {
  const input = exchange.body.input
  const texts = (Array.isArray(input) && typeof input[0] !== 'number' ? input : [input]).map((item) =>
    typeof item === 'string' ? item : JSON.stringify(item),
  )
  const dimensions =
    typeof exchange.body.dimensions === 'number'
      ? exchange.body.dimensions
      : exchange.options.embeddingDimensions
  const base64 = exchange.body.encoding_format === 'base64'
  const data = texts.map((text, index) => {
    const vector = createEmbedding(text, dimensions)
    const embedding = base64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector
    return { object: 'embedding', index, embedding }
  })
  const promptTokens = texts.reduce(
    (sum, text) => sum + Math.max(1, text.split(/\s+/).filter(Boolean).length),
    0,
  )
  return sendJson(
    exchange,
    200,
    {
      object: 'list',
      data,
      model: exchange.model,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    },
    openAiHeaders,
  )
}

/** OpenAI Chat Completions and embeddings, also serving Azure and OpenAI-compatible paths. */
export const openAiFormat: MockWireFormat = {
  error(_exchange, status, message) {
    const [type, code] =
      errorTypes[status] ?? (status >= 500 ? ['server_error', null] : ['invalid_request_error', null])
    return { status, body: { error: { message, type, param: null, code } } }
  },
  credentialHeaders: (route) =>
    route.startsWith('azure.') ? ['api-key', 'authorization'] : ['authorization', 'api-key'],
  authenticate(exchange, authHeader) {
    if (authHeader === 'api-key' || authHeader === 'authorization') return undefined
    return this.error(
      exchange,
      401,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    )
  },
  handle(exchange) {
    return exchange.route.endsWith('.embeddings') ? embeddings(exchange) : chat(exchange)
  },
}
