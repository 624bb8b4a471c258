import { EventStreamCodec } from '@smithy/core/event-streams'
import {
  countWords,
  createEmbedding,
  createMockAnswer,
  fragmentArguments,
  type MockAnswer,
  textOf,
} from '../mock-provider/mock-answer.js'
import type { MockExchange } from '../mock-provider/mock-exchange.js'
import type { MockWireFormat } from '../mock-provider/mock-wire-format.js'
import { sendJson, sendStream } from '../mock-provider/send-response.js'
import { verifySigV4 } from './verify-sigv4.js'

/** The exception AWS names for each status the mock fails with. */
const exceptions: Record<number, string> = {
  400: 'ValidationException',
  403: 'AccessDeniedException',
  404: 'ResourceNotFoundException',
  408: 'ModelTimeoutException',
  424: 'ModelErrorException',
  429: 'ThrottlingException',
  500: 'InternalServerException',
  503: 'ServiceUnavailableException',
}

const stopReasons = { stop: 'end_turn', length: 'max_tokens', tool_calls: 'tool_use' } as const
const codec = new EventStreamCodec(
  (bytes) => new TextDecoder().decode(bytes),
  (text) => new TextEncoder().encode(text),
)

type Block = { text?: string; toolResult?: unknown }
type Message = { role?: string; content?: Block[] }

function requestId(exchange: MockExchange): string {
  return `00000000-0000-4000-8000-${String(exchange.sequence).padStart(12, '0')}`
}

function errorBody(exchange: MockExchange, status: number, exception: string, message: string) {
  return {
    status,
    body: { message },
    headers: {
      'x-amzn-errortype': `${exception}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
      'x-amzn-requestid': requestId(exchange),
    },
  }
}

/** One event-stream message: `:event-type` (or `:exception-type`) and a JSON payload. */
export function encodeBedrockEvent(
  type: string,
  payload: unknown,
  messageType: 'event' | 'exception' = 'event',
): Buffer {
  const headers = {
    [messageType === 'event' ? ':event-type' : ':exception-type']: { type: 'string' as const, value: type },
    ':content-type': { type: 'string' as const, value: 'application/json' },
    ':message-type': { type: 'string' as const, value: messageType },
  }
  return Buffer.from(codec.encode({ headers, body: new TextEncoder().encode(JSON.stringify(payload)) }))
}

function answerFor(exchange: MockExchange): MockAnswer {
  const messages = (Array.isArray(exchange.body.messages) ? exchange.body.messages : []) as Message[]
  const blocksText = (message: Message | undefined) => textOf(message?.content ?? [])
  const lastUser = messages.findLast((message) => message?.role === 'user' && blocksText(message) !== '')
  const toolConfig = exchange.body.toolConfig as { tools?: unknown[] } | undefined
  const inference = exchange.body.inferenceConfig as { maxTokens?: number } | undefined
  return createMockAnswer(exchange, {
    lastUserMessage: blocksText(lastUser),
    prompt: [exchange.body.system, messages],
    hasTools: (toolConfig?.tools?.length ?? 0) > 0,
    hasToolResults: (messages.at(-1)?.content ?? []).some((block) => block?.toolResult !== undefined),
    maxTokens: inference?.maxTokens,
  })
}

// Bedrock pads stream payloads with a `p` field against traffic analysis; readers must ignore it.
const pad = (exchange: MockExchange) => 'abcdefghijklmnopqrstuvwxyz'.slice(0, 1 + (exchange.sequence % 20))

async function converse(exchange: MockExchange): Promise<void> {
  const answer = answerFor(exchange)
  const headers = { 'x-amzn-requestid': requestId(exchange) }
  const toolUses = answer.toolCalls.map((call, index) => ({
    toolUseId: `tooluse_mock_${exchange.sequence}_${index}`,
    name: call.name,
    input: call.arguments,
  }))
  const usage = {
    inputTokens: answer.promptTokens,
    outputTokens: answer.completionTokens,
    totalTokens: answer.promptTokens + answer.completionTokens,
  }
  const stopReason = stopReasons[answer.finish]
  if (!exchange.stream) {
    const content = toolUses.length > 0 ? toolUses.map((toolUse) => ({ toolUse })) : [{ text: answer.text }]
    return sendJson(
      exchange,
      200,
      { output: { message: { role: 'assistant', content } }, stopReason, usage, metrics: { latencyMs: 1 } },
      headers,
    )
  }
  const p = pad(exchange)
  const frames: Buffer[] = [encodeBedrockEvent('messageStart', { role: 'assistant', p })]
  if (toolUses.length === 0) {
    for (const text of answer.pieces)
      frames.push(encodeBedrockEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { text }, p }))
    frames.push(encodeBedrockEvent('contentBlockStop', { contentBlockIndex: 0, p }))
  }
  toolUses.forEach((toolUse, index) => {
    const start = { toolUse: { toolUseId: toolUse.toolUseId, name: toolUse.name } }
    frames.push(encodeBedrockEvent('contentBlockStart', { contentBlockIndex: index, start, p }))
    for (const input of fragmentArguments(JSON.stringify(toolUse.input)))
      frames.push(
        encodeBedrockEvent('contentBlockDelta', {
          contentBlockIndex: index,
          delta: { toolUse: { input } },
          p,
        }),
      )
    frames.push(encodeBedrockEvent('contentBlockStop', { contentBlockIndex: index, p }))
  })
  frames.push(encodeBedrockEvent('messageStop', { stopReason, p }))
  const malformed = encodeBedrockEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'x' } })
  // A flipped byte in the payload: the message CRC no longer matches.
  malformed[malformed.length - 6] = (malformed[malformed.length - 6] as number) ^ 0xff
  return sendStream(exchange, {
    headers: { 'content-type': 'application/vnd.amazon.eventstream', ...headers },
    frames,
    terminator: [encodeBedrockEvent('metadata', { usage, metrics: { latencyMs: 1 }, p })],
    errorFrame: encodeBedrockEvent(
      'throttlingException',
      { message: 'Too many tokens, please wait before trying again.' },
      'exception',
    ),
    malformedFrame: malformed,
  })
}

async function invoke(exchange: MockExchange): Promise<void> {
  const headers = { 'x-amzn-requestid': requestId(exchange) }
  const dimensions = exchange.options.embeddingDimensions
  if (/titan-embed/.test(exchange.model)) {
    const text = typeof exchange.body.inputText === 'string' ? exchange.body.inputText : ''
    const size = typeof exchange.body.dimensions === 'number' ? exchange.body.dimensions : dimensions
    const tokens = countWords(text)
    return sendJson(
      exchange,
      200,
      { embedding: createEmbedding(text, size), inputTextTokenCount: tokens },
      { ...headers, 'x-amzn-bedrock-input-token-count': String(tokens) },
    )
  }
  if (/cohere\.embed/.test(exchange.model)) {
    const texts = Array.isArray(exchange.body.texts) ? (exchange.body.texts as unknown[]).map(String) : []
    const size =
      typeof exchange.body.output_dimension === 'number' ? exchange.body.output_dimension : dimensions
    const tokens = texts.reduce((sum, text) => sum + countWords(text), 0)
    return sendJson(
      exchange,
      200,
      {
        id: `mock-embed-${exchange.sequence}`,
        embeddings: texts.map((text) => createEmbedding(text, size)),
        texts,
        response_type: 'embeddings_floats',
      },
      { ...headers, 'x-amzn-bedrock-input-token-count': String(tokens) },
    )
  }
  const failure = errorBody(
    exchange,
    400,
    'ValidationException',
    `The mock does not serve ${exchange.model} on InvokeModel`,
  )
  return sendJson(exchange, failure.status, failure.body, failure.headers)
}

/**
 * Amazon Bedrock Runtime: Converse JSON, ConverseStream event-stream frames, InvokeModel embeddings
 * (Titan, Cohere), AWS JSON errors, and SigV4 verification of every request (or a bearer API key).
 */
export const bedrockFormat: MockWireFormat = {
  error(exchange, status, message) {
    const exception =
      exceptions[status] ?? (status >= 500 ? 'InternalServerException' : 'ValidationException')
    return errorBody(exchange, status, exception, message)
  },
  credentialHeaders: () => ['authorization'],
  async authenticate(exchange, authHeader) {
    const authorization = exchange.req.headers.authorization
    if (authHeader !== 'authorization' || authorization === undefined)
      return errorBody(exchange, 403, 'MissingAuthenticationTokenException', 'Missing Authentication Token')
    if (/^Bearer \S+$/.test(authorization)) return undefined
    const failure = await verifySigV4(
      {
        method: exchange.req.method ?? 'POST',
        url: exchange.url,
        headers: exchange.req.headers,
        body: exchange.rawBody,
      },
      exchange.options.awsCredentials,
      'bedrock',
    )
    if (failure !== undefined) return errorBody(exchange, failure.status, failure.exception, failure.message)
    exchange.stats.increment('signaturesVerified')
    return undefined
  },
  handle: (exchange) => (exchange.route.startsWith('bedrock.invoke') ? invoke(exchange) : converse(exchange)),
}
