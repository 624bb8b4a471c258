import { createHash } from 'node:crypto'
import type { MockExchange } from './mock-exchange.js'
import type { MockToolCall } from './mock-provider-options.js'

/** The deterministic content of one answer, before a wire format shapes it. */
export interface MockAnswer {
  /** Text pieces, one per token / stream chunk. Empty when the answer is tool calls. */
  pieces: string[]
  text: string
  toolCalls: MockToolCall[]
  /** 'length' when the request's max tokens cut the answer. */
  finish: 'stop' | 'length' | 'tool_calls'
  promptTokens: number
  completionTokens: number
}

export interface AnswerInput {
  lastUserMessage: string
  /** Everything the prompt contains, for a deterministic prompt token count. */
  prompt: unknown
  hasTools: boolean
  /** The request carries tool results: answer with text, not another call. */
  hasToolResults: boolean
  maxTokens: number | undefined
}

export function countWords(value: unknown): number {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? '')
  return Math.max(1, text.split(/\s+/).filter(Boolean).length)
}

function splitIntoPieces(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [text]
}

function fit(pieces: string[], count: number): string[] {
  return Array.from({ length: count }, (_, index) => {
    const piece = pieces[index % pieces.length] as string
    // Repeats start a new word.
    return index > 0 && index % pieces.length === 0 && !/^\s/.test(piece) ? ` ${piece}` : piece
  })
}

function headerNumber(exchange: MockExchange, name: string): number | undefined {
  const value = Number(exchange.req.headers[name])
  return Number.isInteger(value) && value > 0 ? value : undefined
}

export function createMockAnswer(exchange: MockExchange, input: AnswerInput): MockAnswer {
  const answer = planMockAnswer(exchange, input)
  exchange.chargeTokens?.(answer.promptTokens + answer.completionTokens)
  return answer
}

function planMockAnswer(exchange: MockExchange, input: AnswerInput): MockAnswer {
  const { options } = exchange
  const promptTokens = countWords(input.prompt)
  if (options.toolCalls?.length && input.hasTools && !input.hasToolResults) {
    const completionTokens = countWords(options.toolCalls)
    return {
      pieces: [],
      text: '',
      toolCalls: options.toolCalls,
      finish: 'tool_calls',
      promptTokens,
      completionTokens,
    }
  }
  let pieces: string[]
  if (exchange.fault?.name === 'oversized') {
    // 16 KiB pieces: an answer many times larger than any socket buffer; max tokens do not cut it.
    const size = exchange.fault.size ?? options.oversizedBytes
    const piece = 'lorem ipsum '.repeat(1366).slice(0, 16 * 1024)
    pieces = fit([piece], Math.max(1, Math.ceil(size / piece.length)))
    return {
      pieces,
      text: pieces.join(''),
      toolCalls: [],
      finish: 'stop',
      promptTokens,
      completionTokens: pieces.length,
    }
  } else {
    const reply =
      typeof options.reply === 'function'
        ? options.reply({
            route: exchange.route,
            model: exchange.model,
            lastUserMessage: input.lastUserMessage,
          })
        : (options.reply ?? input.lastUserMessage)
    pieces = splitIntoPieces(reply || '(empty message)')
    const tokens = headerNumber(exchange, 'x-mock-tokens') ?? options.tokens
    if (tokens !== undefined) pieces = fit(pieces, tokens)
  }
  let finish: MockAnswer['finish'] = 'stop'
  if (input.maxTokens !== undefined && input.maxTokens > 0 && pieces.length > input.maxTokens) {
    pieces = pieces.slice(0, input.maxTokens)
    finish = 'length'
  }
  return {
    pieces,
    text: pieces.join(''),
    toolCalls: [],
    finish,
    promptTokens,
    completionTokens: pieces.length,
  }
}

/** Splits a tool call's JSON arguments into a few fragments, as OpenAI and Anthropic stream them. */
export function fragmentArguments(json: string): string[] {
  if (json.length < 4) return [json]
  const third = Math.ceil(json.length / 3)
  return [json.slice(0, third), json.slice(third, 2 * third), json.slice(2 * third)]
}

/** A deterministic unit-length vector for a text. */
export function createEmbedding(text: string, dimensions: number): number[] {
  const values: number[] = []
  for (let block = 0; values.length < dimensions; block++) {
    const digest = createHash('sha256').update(`${block}:${text}`).digest()
    for (let offset = 0; offset + 2 <= digest.length && values.length < dimensions; offset += 2) {
      values.push(digest.readUInt16BE(offset) / 32768 - 1)
    }
  }
  const norm = Math.sqrt(values.reduce((sum, value) => sum + value * value, 0)) || 1
  return values.map((value) => Math.fround(value / norm))
}

export function textOf(content: unknown): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  return content
    .map((part) =>
      typeof part === 'object' && part !== null && typeof part.text === 'string' ? part.text : '',
    )
    .join('')
}
