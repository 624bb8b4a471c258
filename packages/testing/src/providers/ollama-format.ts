import { createEmbedding, createMockAnswer, type MockAnswer, textOf } from '../mock-provider/mock-answer.js'
import type { MockExchange } from '../mock-provider/mock-exchange.js'
import type { MockWireFormat } from '../mock-provider/mock-wire-format.js'
import { sendJson, sendStream } from '../mock-provider/send-response.js'

type Message = { role?: string; content?: unknown }

function answerFor(exchange: MockExchange): MockAnswer {
  const messages = (Array.isArray(exchange.body.messages) ? exchange.body.messages : []) as Message[]
  const lastUser = messages.findLast((message) => message?.role === 'user')
  const options = exchange.body.options as { num_predict?: number } | undefined
  return createMockAnswer(exchange, {
    lastUserMessage: textOf(lastUser?.content),
    prompt: messages,
    hasTools: Array.isArray(exchange.body.tools) && exchange.body.tools.length > 0,
    hasToolResults: messages.at(-1)?.role === 'tool',
    maxTokens: options?.num_predict,
  })
}

// Durations are nanoseconds, as Ollama reports them.
function counts(answer: MockAnswer) {
  return {
    total_duration: 1_000_000 * (answer.completionTokens + 1),
    load_duration: 100_000,
    prompt_eval_count: answer.promptTokens,
    prompt_eval_duration: 100_000 * answer.promptTokens,
    eval_count: answer.completionTokens,
    eval_duration: 1_000_000 * answer.completionTokens,
  }
}

async function chat(exchange: MockExchange): Promise<void> {
  const answer = answerFor(exchange)
  const base = () => ({ model: exchange.model, created_at: new Date().toISOString() })
  // Arguments are objects, not JSON strings; each call arrives whole.
  const toolCalls = answer.toolCalls.map((call, index) => ({
    function: { index, name: call.name, arguments: call.arguments },
  }))
  const doneReason = answer.finish === 'length' ? 'length' : 'stop'
  if (!exchange.stream) {
    const message = {
      role: 'assistant',
      content: answer.text,
      ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    }
    return sendJson(exchange, 200, {
      ...base(),
      message,
      done_reason: doneReason,
      done: true,
      ...counts(answer),
    })
  }
  const line = (value: unknown) => `${JSON.stringify(value)}\n`
  const frames =
    toolCalls.length > 0
      ? [line({ ...base(), message: { role: 'assistant', content: '', tool_calls: toolCalls }, done: false })]
      : answer.pieces.map((content) =>
          line({ ...base(), message: { role: 'assistant', content }, done: false }),
        )
  return sendStream(exchange, {
    headers: { 'content-type': 'application/x-ndjson' },
    frames,
    terminator: [
      line({
        ...base(),
        message: { role: 'assistant', content: '' },
        done_reason: doneReason,
        done: true,
        ...counts(answer),
      }),
    ],
    errorFrame: line({ error: 'an error was encountered while running the model' }),
    malformedFrame: `{"model":"${exchange.model}","message":{"role":"assistant","content":\n`,
  })
}

function embed(exchange: MockExchange): Promise<void> {
  const input = exchange.body.input
  const texts = (Array.isArray(input) ? input : [input]).map((item) =>
    typeof item === 'string' ? item : JSON.stringify(item),
  )
  const size =
    typeof exchange.body.dimensions === 'number'
      ? exchange.body.dimensions
      : exchange.options.embeddingDimensions
  return sendJson(exchange, 200, {
    model: exchange.model,
    embeddings: texts.map((text) => createEmbedding(text, size)),
    total_duration: 1_000_000,
    load_duration: 100_000,
    prompt_eval_count: texts.length,
  })
}

/** Ollama's native API: /api/chat (NDJSON by default) and /api/embed. No auth. */
export const ollamaFormat: MockWireFormat = {
  error: (_exchange, status, message) => ({ status, body: { error: message } }),
  credentialHeaders: () => [],
  authenticate: () => undefined,
  handle(exchange) {
    return exchange.route === 'ollama.embed' ? embed(exchange) : chat(exchange)
  },
}
