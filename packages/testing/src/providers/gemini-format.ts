import { createEmbedding, createMockAnswer, type MockAnswer } from '../mock-provider/mock-answer.js'
import type { MockExchange } from '../mock-provider/mock-exchange.js'
import type { MockWireFormat } from '../mock-provider/mock-wire-format.js'
import { sendJson, sendStream, sseFrame, sseHeaders } from '../mock-provider/send-response.js'

const statusNames: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'NOT_IMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
}

type Part = { text?: string; functionResponse?: unknown }
type Content = { role?: string; parts?: Part[] }

const partsText = (parts: Part[] | undefined) => (parts ?? []).map((part) => part?.text ?? '').join('')

function answerFor(exchange: MockExchange): MockAnswer {
  const contents = (Array.isArray(exchange.body.contents) ? exchange.body.contents : []) as Content[]
  const lastUser = contents.findLast(
    (content) => (content?.role === undefined || content.role === 'user') && partsText(content.parts) !== '',
  )
  const tools = (Array.isArray(exchange.body.tools) ? exchange.body.tools : []) as {
    functionDeclarations?: unknown[]
  }[]
  const config = exchange.body.generationConfig as { maxOutputTokens?: number } | undefined
  return createMockAnswer(exchange, {
    lastUserMessage: partsText(lastUser?.parts),
    prompt: [exchange.body.systemInstruction, contents],
    hasTools: tools.some((tool) => (tool?.functionDeclarations?.length ?? 0) > 0),
    hasToolResults: (contents.at(-1)?.parts ?? []).some((part) => part?.functionResponse !== undefined),
    maxTokens: config?.maxOutputTokens,
  })
}

async function generateContent(exchange: MockExchange): Promise<void> {
  const answer = answerFor(exchange)
  const responseId = `mockResponse${exchange.sequence}`
  const finishReason = answer.finish === 'length' ? 'MAX_TOKENS' : 'STOP'
  const partial = { promptTokenCount: answer.promptTokens, totalTokenCount: answer.promptTokens }
  const full = {
    promptTokenCount: answer.promptTokens,
    candidatesTokenCount: answer.completionTokens,
    totalTokenCount: answer.promptTokens + answer.completionTokens,
  }
  const response = (parts: unknown[], usageMetadata: object, finish?: string) => ({
    candidates: [
      { content: { parts, role: 'model' }, ...(finish ? { finishReason: finish } : {}), index: 0 },
    ],
    usageMetadata,
    modelVersion: exchange.model,
    responseId,
  })
  // Function calls arrive whole and without ids on the Developer API.
  const callParts = answer.toolCalls.map((call) => ({
    functionCall: { name: call.name, args: call.arguments },
  }))
  if (!exchange.stream) {
    const parts = callParts.length > 0 ? callParts : [{ text: answer.text }]
    return sendJson(exchange, 200, response(parts, full, finishReason))
  }
  const frames =
    callParts.length > 0
      ? [response(callParts, partial)]
      : answer.pieces.map((text) => response([{ text }], partial))
  const last = response([{ text: '' }], full, finishReason)
  if (exchange.url.searchParams.get('alt') !== 'sse') return sendJson(exchange, 200, [...frames, last])
  const frame = (data: unknown) => sseFrame(data, undefined, '\r\n\r\n')
  return sendStream(exchange, {
    headers: sseHeaders,
    frames: frames.map(frame),
    terminator: [frame(last)],
    errorFrame: frame({
      error: {
        code: 503,
        message: 'The model is overloaded. Please try again later.',
        status: 'UNAVAILABLE',
      },
    }),
    malformedFrame: 'data: {"candidates": [{"content": {"parts": [{"text":\r\n\r\n',
  })
}

function embedText(exchange: MockExchange, content: unknown, dimensions: unknown): { values: number[] } {
  const text = partsText((content as Content | undefined)?.parts)
  const size = typeof dimensions === 'number' ? dimensions : exchange.options.embeddingDimensions
  return { values: createEmbedding(text, size) }
}

function embed(exchange: MockExchange): Promise<void> {
  if (exchange.route.endsWith('.batchEmbedContents')) {
    const requests = (Array.isArray(exchange.body.requests) ? exchange.body.requests : []) as {
      content?: unknown
      outputDimensionality?: unknown
    }[]
    const embeddings = requests.map((request) =>
      embedText(exchange, request?.content, request?.outputDimensionality),
    )
    return sendJson(exchange, 200, { embeddings })
  }
  return sendJson(exchange, 200, {
    embedding: embedText(exchange, exchange.body.content, exchange.body.outputDimensionality),
  })
}

/** Gemini Developer API and Vertex AI generateContent / streamGenerateContent / embeddings. */
export const geminiFormat: MockWireFormat = {
  error(exchange, status, message) {
    const details: unknown[] = []
    if (status === 429) {
      const fault = exchange.fault
      const seconds =
        fault?.retryAfterMs !== undefined ? fault.retryAfterMs / 1000 : (fault?.retryAfterSeconds ?? 1)
      details.push({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${seconds}s` })
    }
    const statusName = statusNames[status] ?? (status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION')
    return { status, body: { error: { code: status, message, status: statusName, details } } }
  },
  credentialHeaders: (route) =>
    route.startsWith('vertex.') ? ['authorization'] : ['x-goog-api-key', 'query-key'],
  authenticate(exchange, authHeader) {
    if (exchange.route.startsWith('vertex.')) {
      const match = /^Bearer (.+)$/.exec(exchange.req.headers.authorization ?? '')
      if (match && exchange.tokens.isValid(match[1] as string)) return undefined
      return this.error(
        exchange,
        401,
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
      )
    }
    if (authHeader === 'x-goog-api-key' || authHeader === 'query-key') return undefined
    // The real API answers a missing key with 403, not 401.
    return this.error(
      exchange,
      403,
      "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
    )
  },
  handle(exchange) {
    return /\.(embedContent|batchEmbedContents)$/.test(exchange.route)
      ? embed(exchange)
      : generateContent(exchange)
  },
}
