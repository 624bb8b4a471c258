import { createMockAnswer, fragmentArguments, type MockAnswer, textOf } from '../mock-provider/mock-answer.js'
import type { MockExchange } from '../mock-provider/mock-exchange.js'
import type { MockWireFormat } from '../mock-provider/mock-wire-format.js'
import { sendJson, sendStream, sseFrame, sseHeaders } from '../mock-provider/send-response.js'

const errorTypes: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  409: 'conflict_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
}

type Message = { role?: string; content?: unknown }

const stopReasons = { stop: 'end_turn', length: 'max_tokens', tool_calls: 'tool_use' } as const

function answerFor(exchange: MockExchange): MockAnswer {
  const messages = (Array.isArray(exchange.body.messages) ? exchange.body.messages : []) as Message[]
  // Tool results come in a user turn without text: echo the last user text instead.
  const lastUser = messages.findLast((message) => message?.role === 'user' && textOf(message.content) !== '')
  const last = messages.at(-1)
  const hasToolResults =
    Array.isArray(last?.content) &&
    last.content.some((block: { type?: string }) => block?.type === 'tool_result')
  return createMockAnswer(exchange, {
    lastUserMessage: textOf(lastUser?.content),
    prompt: [exchange.body.system, messages],
    hasTools: Array.isArray(exchange.body.tools) && exchange.body.tools.length > 0,
    hasToolResults,
    maxTokens: typeof exchange.body.max_tokens === 'number' ? exchange.body.max_tokens : undefined,
  })
}

function usage(answer: MockAnswer, outputTokens = answer.completionTokens) {
  return {
    input_tokens: answer.promptTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: outputTokens,
    service_tier: 'standard',
  }
}

async function messages(exchange: MockExchange): Promise<void> {
  const answer = answerFor(exchange)
  const id = `msg_mock${exchange.sequence}`
  const headers = { 'request-id': `req_mock_${exchange.sequence}` }
  const toolUses = answer.toolCalls.map((call, index) => ({
    type: 'tool_use' as const,
    id: `toolu_mock_${exchange.sequence}_${index}`,
    name: call.name,
    input: call.arguments,
  }))
  const message = {
    id,
    type: 'message',
    role: 'assistant',
    model: exchange.model,
    content: toolUses.length > 0 ? toolUses : [{ type: 'text', text: answer.text }],
    stop_reason: stopReasons[answer.finish],
    stop_sequence: null,
    usage: usage(answer),
  }
  if (!exchange.stream) return sendJson(exchange, 200, message, headers)
  const event = (data: { type: string; [key: string]: unknown }) => sseFrame(data, data.type)
  const frames = [
    event({
      type: 'message_start',
      message: { ...message, content: [], stop_reason: null, usage: usage(answer, 1) },
    }),
  ]
  if (toolUses.length === 0) {
    frames.push(event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }))
    frames.push(sseFrame('{"type": "ping"}', 'ping'))
    for (const text of answer.pieces) {
      frames.push(event({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }))
    }
    frames.push(event({ type: 'content_block_stop', index: 0 }))
  }
  toolUses.forEach((toolUse, index) => {
    frames.push(event({ type: 'content_block_start', index, content_block: { ...toolUse, input: {} } }))
    if (index === 0) frames.push(sseFrame('{"type": "ping"}', 'ping'))
    for (const partial_json of ['', ...fragmentArguments(JSON.stringify(toolUse.input))]) {
      frames.push(
        event({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } }),
      )
    }
    frames.push(event({ type: 'content_block_stop', index }))
  })
  frames.push(
    event({
      type: 'message_delta',
      delta: { stop_reason: message.stop_reason, stop_sequence: null },
      usage: { output_tokens: answer.completionTokens },
    }),
  )
  return sendStream(exchange, {
    headers: { ...sseHeaders, ...headers },
    frames,
    terminator: [event({ type: 'message_stop' })],
    errorFrame: event({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
    malformedFrame:
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":\n\n',
  })
}

/** Anthropic Messages: JSON and the SSE event sequence. */
export const anthropicFormat: MockWireFormat = {
  error(exchange, status, message) {
    const type = errorTypes[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error')
    return {
      status,
      body: {
        type: 'error',
        error: status === 529 ? { details: null, type, message: 'Overloaded' } : { type, message },
        request_id: `req_mock_${exchange.sequence}`,
      },
      headers: { 'request-id': `req_mock_${exchange.sequence}` },
    }
  },
  credentialHeaders: () => ['x-api-key', 'authorization'],
  authenticate(exchange, authHeader) {
    if (authHeader !== 'x-api-key' && authHeader !== 'authorization') {
      return this.error(exchange, 401, 'x-api-key header is required')
    }
    if (typeof exchange.req.headers['anthropic-version'] !== 'string') {
      return this.error(exchange, 400, 'anthropic-version: header is required')
    }
    return undefined
  },
  handle: messages,
}
