import { describe, expect, it } from 'vitest'
import {
  BadRequestError,
  ContentPolicyViolationError,
  InternalServerError,
  NotFoundError,
  type ProviderError,
  RateLimitError,
  ServiceUnavailableError,
} from '../packages/core/src/errors/errors.js'
import { anthropicProvider } from '../packages/core/src/providers/anthropic/anthropic-provider.js'
import { geminiProvider } from '../packages/core/src/providers/gemini/gemini-provider.js'
import { ollamaProvider } from '../packages/core/src/providers/ollama/ollama-provider.js'
import type { ProviderDefinition, ProviderResponseContext } from '../packages/core/src/providers/provider.js'
import { getProviderDefinition } from '../packages/core/src/providers/registry.js'
import { assembleChatCompletion } from '../packages/core/src/streaming/chat-completion-assembler.js'
import { createStreamDecoder } from '../packages/core/src/streaming/stream-decoder.js'
import type { ChatCompletion, ChatCompletionChunk } from '../packages/core/src/types/chat.js'
import { jsonlToSse, readFixture, readFixtureJson } from './helpers/fixtures.js'
import { seededRandom } from './helpers/split-bytes.js'
import { summarizeToolCalls } from './helpers/summarize-tool-calls.js'

/** Anthropic `.chunks.jsonl` lost its SSE framing; the event name is the JSON `type`. */
const reframeAnthropicJsonl = (bytes: Buffer): Buffer =>
  jsonlToSse(bytes, { eventName: (line) => JSON.parse(line).type })

/** The whole body, one piece per byte, and random pieces of 1..16 bytes for several seeds. */
function splits(bytes: Buffer): Array<{ name: string; pieces: Buffer[] }> {
  const result = [{ name: 'whole', pieces: [bytes] }]
  result.push({ name: 'every byte', pieces: [...bytes].map((byte) => Buffer.from([byte])) })
  for (const seed of [1, 7, 42, 1234, 99991]) {
    const random = seededRandom(seed)
    const pieces: Buffer[] = []
    for (let offset = 0; offset < bytes.length; ) {
      const size = 1 + Math.floor(random() * 16)
      pieces.push(bytes.subarray(offset, offset + size))
      offset += size
    }
    result.push({ name: `seed ${seed}`, pieces })
  }
  return result
}

const responseContext = (provider: string): ProviderResponseContext => ({
  provider,
  model: 'fixture-model',
  requestId: undefined,
  headers: {},
  request: { model: `${provider}/fixture-model`, messages: [] },
})

/** bytes → streaming UTF-8 decode → framing → the provider's chunk mapper → the shared assembler. */
function replay(
  definition: ProviderDefinition,
  pieces: Buffer[],
): { completion: ChatCompletion; finished: boolean } {
  const decoder = createStreamDecoder(definition.streamFormat)
  const mapper = definition.createChunkMapper(responseContext(definition.name))
  const chunks: ChatCompletionChunk[] = []
  for (const piece of pieces) for (const event of decoder.push(piece)) chunks.push(...mapper.map(event))
  for (const event of decoder.end()) chunks.push(...mapper.map(event))
  // Gemini has no terminator: its stream is whole once every candidate finished (`complete`).
  return { completion: assembleChatCompletion(chunks), finished: mapper.finished || mapper.complete === true }
}

function replayError(definition: ProviderDefinition, pieces: Buffer[]): ProviderError {
  try {
    replay(definition, pieces)
  } catch (error) {
    return error as ProviderError
  }
  throw new Error('the stream did not fail')
}

interface StreamExpectation {
  file: string
  provider: ProviderDefinition
  reframe?: (bytes: Buffer) => Buffer
  check: (completion: ChatCompletion) => void
}

const message = (completion: ChatCompletion) => completion.choices[0]!.message
const toolCalls = (completion: ChatCompletion) => summarizeToolCalls(message(completion).tool_calls ?? [])!

const streams: StreamExpectation[] = [
  {
    file: 'anthropic/messages-stream-text-tool-use.sse',
    provider: anthropicProvider,
    check(completion) {
      expect(message(completion).content).toBe("I'll check the current weather in Paris for you.")
      expect(toolCalls(completion)).toEqual([
        { id: 'toolu_01NRLabsLyVHZPKxbKvkfSMn', name: 'get_weather', arguments: '{"location": "Paris"}' },
      ])
      expect(JSON.parse(toolCalls(completion)[0]!.arguments)).toEqual({ location: 'Paris' })
      expect(completion.choices[0]!.finish_reason).toBe('tool_calls')
      expect(completion.usage).toMatchObject({ prompt_tokens: 377, completion_tokens: 65, total_tokens: 442 })
    },
  },
  {
    file: 'anthropic/messages-stream-text-padded.sse',
    provider: anthropicProvider,
    check(completion) {
      expect(completion.id).toBe('msg_018E1hg8GoVTGEKQY3ovMcSJ')
      expect(message(completion).content).toBe('2')
      expect(completion.choices[0]!.finish_reason).toBe('stop')
      expect(completion.usage).toMatchObject({ prompt_tokens: 20, completion_tokens: 5, total_tokens: 25 })
    },
  },
  {
    file: 'anthropic/messages-stream-max-tokens-truncated-tool.sse',
    provider: anthropicProvider,
    check(completion) {
      expect(message(completion).content).toMatch(
        /^I'll create a comprehensive tax guide.*Let me do that for you now\.$/s,
      )
      const [call] = toolCalls(completion)
      expect(call).toMatchObject({ id: 'toolu_01EKqbqmZrGRXy18eN7m9kvY', name: 'make_file' })
      expect(call!.arguments).toHaveLength(149)
      expect(() => JSON.parse(call!.arguments)).toThrow()
      expect(completion.choices[0]!.finish_reason).toBe('length')
      expect(completion.usage).toMatchObject({ prompt_tokens: 450, completion_tokens: 124 })
    },
  },
  {
    file: 'anthropic/messages-stream-tool-no-args.chunks.jsonl',
    provider: anthropicProvider,
    reframe: reframeAnthropicJsonl,
    check(completion) {
      expect(message(completion).content).toBe("I'll update the issue list for you.")
      expect(toolCalls(completion)).toEqual([
        { id: 'toolu_01QE1WLsSVp5hy5Q3GmGTmjP', name: 'updateIssueList', arguments: '{}' },
      ])
      expect(completion.choices[0]!.finish_reason).toBe('tool_calls')
      expect(completion.usage).toMatchObject({ prompt_tokens: 565, completion_tokens: 48 })
    },
  },
  {
    file: 'anthropic/messages-stream-server-tool-blocks.sse',
    provider: anthropicProvider,
    check(completion) {
      const calls = toolCalls(completion)
      expect(calls.map((call) => call.name)).toEqual(['get_exchange_rate'])
      expect(JSON.parse(calls[0]!.arguments)).toEqual({ from_currency: 'USD', to_currency: 'EUR' })
      expect(message(completion).content).toMatch(/^Let me search .*I found the right tool!/s)
      expect(completion.choices[0]!.finish_reason).toBe('tool_calls')
      expect(completion.usage).toMatchObject({ prompt_tokens: 1591, completion_tokens: 175 })
    },
  },
  {
    file: 'gemini/stream-text.sse',
    provider: geminiProvider,
    check(completion) {
      expect(completion.id).toBe('w1peaMz6INOvnvgPgYfPiQY')
      expect(message(completion).content).toBe('The capital of France is Paris.\n')
      expect(completion.choices[0]!.finish_reason).toBe('stop')
      expect(completion.usage).toMatchObject({ prompt_tokens: 13, completion_tokens: 8, total_tokens: 21 })
    },
  },
  {
    file: 'gemini/stream-function-call.sse',
    provider: geminiProvider,
    check(completion) {
      expect(toolCalls(completion)).toEqual([
        { id: 'call_0', name: 'get_capital', arguments: '{"country":"France"}' },
      ])
      expect(completion.choices[0]!.finish_reason).toBe('tool_calls')
      expect(completion.usage).toMatchObject({ prompt_tokens: 52, completion_tokens: 5, total_tokens: 57 })
    },
  },
  {
    file: 'gemini/stream-function-call-thought-signature.sse',
    provider: geminiProvider,
    check(completion) {
      expect(toolCalls(completion)).toEqual([{ id: 'call_0', name: 'get_country', arguments: '{}' }])
      const signature = message(completion).tool_calls![0]!.provider_metadata?.gemini as {
        thoughtSignature: string
      }
      expect(signature.thoughtSignature).toMatch(/^EpwICpkIAXLI2nxl/)
      expect(completion.choices[0]!.finish_reason).toBe('tool_calls')
      expect(completion.usage).toMatchObject({
        prompt_tokens: 29,
        completion_tokens: 212,
        total_tokens: 241,
        completion_tokens_details: { reasoning_tokens: 202 },
      })
    },
  },
  {
    file: 'gemini/stream-finish-reason-safety.sse',
    provider: geminiProvider,
    check(completion) {
      expect(message(completion).content).toBe('No')
      expect(completion.choices[0]!.finish_reason).toBe('content_filter')
    },
  },
  {
    file: 'ollama/native-chat-stream-tool-call.ndjson',
    provider: ollamaProvider,
    check(completion) {
      expect(toolCalls(completion)).toEqual([
        { id: 'call_0', name: 'get_weather', arguments: '{"city":"Tokyo"}' },
      ])
      expect(completion.choices[0]!.finish_reason).toBe('tool_calls')
      expect(completion.usage).toMatchObject({ prompt_tokens: 169, completion_tokens: 15, total_tokens: 184 })
    },
  },
  {
    file: 'ollama/native-chat-stream-excerpt.ndjson',
    provider: ollamaProvider,
    check(completion) {
      expect(message(completion).content).toBe('The')
      expect(completion.choices[0]!.finish_reason).toBe('stop')
      expect(completion.usage).toMatchObject({ prompt_tokens: 26, completion_tokens: 282 })
    },
  },
  {
    file: 'ollama/native-generate-stream.ndjson',
    provider: ollamaProvider,
    check(completion) {
      expect(message(completion).content).toBe("That's a fantastic question!")
      expect(completion.choices[0]!.finish_reason).toBe('stop')
    },
  },
]

describe('recorded streams reproduce the README results at any byte split', () => {
  for (const stream of streams) {
    it(stream.file, () => {
      const raw = readFixture(stream.file)
      const bytes = stream.reframe ? stream.reframe(raw) : raw
      for (const { name, pieces } of splits(bytes)) {
        const { completion, finished } = replay(stream.provider, pieces)
        expect.soft(finished, `${stream.file} (${name}) finished`).toBe(true)
        try {
          stream.check(completion)
        } catch (error) {
          throw new Error(`${stream.file} split "${name}": ${(error as Error).message}`)
        }
      }
    })
  }

  it('a stream cut before its terminator is not finished', () => {
    const bytes = readFixture('anthropic/messages-stream-text-padded.sse')
    const cut = bytes.subarray(0, bytes.indexOf('event: message_stop'))
    expect(replay(anthropicProvider, [cut]).finished).toBe(false)
    const ndjson = readFixture('ollama/native-chat-stream-excerpt.ndjson')
    expect(replay(ollamaProvider, [ndjson.subarray(0, ndjson.indexOf('\n') + 1)]).finished).toBe(false)
  })
})

describe('errors inside 200 streams', () => {
  it('anthropic event: error → retryable ServiceUnavailableError', () => {
    for (const { pieces } of splits(readFixture('anthropic/messages-stream-error-event.sse'))) {
      const error = replayError(anthropicProvider, pieces)
      expect(error).toBeInstanceOf(ServiceUnavailableError)
      expect(error).toMatchObject({
        message: 'Overloaded',
        type: 'overloaded_error',
        retryable: true,
        status: undefined,
      })
    }
  })

  it('gemini blocked prompt → ContentPolicyViolationError', () => {
    for (const { pieces } of splits(readFixture('gemini/stream-prompt-blocked.sse'))) {
      const error = replayError(geminiProvider, pieces)
      expect(error).toBeInstanceOf(ContentPolicyViolationError)
      expect(error).toMatchObject({ providerCode: 'SAFETY', retryable: false })
    }
  })

  it('ollama {"error"} line → retryable InternalServerError with the text', () => {
    for (const { pieces } of splits(readFixture('ollama/native-stream-midstream-error.ndjson'))) {
      const error = replayError(ollamaProvider, pieces)
      expect(error).toBeInstanceOf(InternalServerError)
      expect(error).toMatchObject({
        message: 'an error was encountered while running the model',
        retryable: true,
      })
    }
  })
})

describe('recorded non-stream bodies', () => {
  it('anthropic message-text.json', () => {
    const completion = anthropicProvider.parseChatResponse(
      readFixtureJson('anthropic/message-text.json'),
      responseContext('anthropic'),
    )
    expect(message(completion).content).toMatch(/^Hello! I'm doing well, thanks for asking\./)
    expect(completion.choices[0]!.finish_reason).toBe('stop')
    expect(completion.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 29, total_tokens: 41 })
    expect(completion.usage?.prompt_tokens_details).toMatchObject({
      cached_tokens: 0,
      cache_creation_input_tokens: 0,
    })
  })

  it('anthropic message-tool-use.json', () => {
    const completion = anthropicProvider.parseChatResponse(
      readFixtureJson('anthropic/message-tool-use.json'),
      responseContext('anthropic'),
    )
    const [call] = toolCalls(completion)
    expect(call!.name).toBe('json')
    expect(JSON.parse(call!.arguments).elements).toHaveLength(4)
    expect(message(completion).content).toBeNull()
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls')
    expect(completion.usage).toMatchObject({ prompt_tokens: 1151, completion_tokens: 87 })
  })

  it('gemini generate-content-text.json', () => {
    const completion = geminiProvider.parseChatResponse(
      readFixtureJson('gemini/generate-content-text.json'),
      responseContext('gemini'),
    )
    expect(message(completion).content).toBe(
      "There are **3** r's in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.",
    )
    expect(completion.choices[0]!.finish_reason).toBe('stop')
    expect(completion.usage).toMatchObject({
      prompt_tokens: 9,
      completion_tokens: 28 + 244,
      total_tokens: 281,
      completion_tokens_details: { reasoning_tokens: 244 },
    })
  })

  it('gemini generate-content-function-call.json', () => {
    const completion = geminiProvider.parseChatResponse(
      readFixtureJson('gemini/generate-content-function-call.json'),
      responseContext('gemini'),
    )
    expect(toolCalls(completion)).toEqual([
      { id: 'call_0', name: 'weather', arguments: '{"location":"San Francisco"}' },
    ])
    expect(message(completion).tool_calls![0]!.provider_metadata).toEqual({
      gemini: { thoughtSignature: expect.any(String) },
    })
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls')
    expect(completion.usage).toMatchObject({
      prompt_tokens: 29,
      completion_tokens: 15 + 893,
      total_tokens: 937,
    })
  })

  it('ollama openai-compat-chat-completion.json through the openai-compatible provider', () => {
    const definition = getProviderDefinition('openai-compatible')!
    const completion = definition.parseChatResponse(
      readFixtureJson('ollama/openai-compat-chat-completion.json'),
      responseContext('openai-compatible'),
    )
    expect(completion.id).toBe('chatcmpl-150')
    expect(message(completion).content).toBe('{ "city": "Paris", "country": "France" }')
    expect(completion.choices[0]!.finish_reason).toBe('stop')
    expect(completion.usage).toMatchObject({ prompt_tokens: 136, completion_tokens: 15, total_tokens: 151 })
  })
})

describe('recorded error bodies', () => {
  const parse = (
    definition: ProviderDefinition,
    file: string,
    status: number,
    headers: Record<string, string> = {},
  ) =>
    definition.parseError(
      { status, headers, body: readFixtureJson(file) },
      { provider: definition.name, requestId: undefined },
    )

  it('anthropic 404 and 529', () => {
    const notFound = parse(anthropicProvider, 'anthropic/error-404-not-found.json', 404)
    expect(notFound).toBeInstanceOf(NotFoundError)
    expect(notFound).toMatchObject({
      status: 404,
      message: 'model: claude-sonet-4-5',
      type: 'not_found_error',
      requestId: 'req_011CdufXo8Y2LVfY2veyuQWG',
      retryable: false,
    })
    const overloaded = parse(anthropicProvider, 'anthropic/error-529-overloaded.json', 529, {
      'request-id': 'req_1',
    })
    expect(overloaded).toBeInstanceOf(ServiceUnavailableError)
    expect(overloaded).toMatchObject({
      status: 529,
      message: 'Overloaded',
      retryable: true,
      requestId: 'req_1',
    })
  })

  it('gemini 429, 404 and 400', () => {
    const limited = parse(geminiProvider, 'gemini/error-429-resource-exhausted.json', 429)
    expect(limited).toBeInstanceOf(RateLimitError)
    expect(limited).toMatchObject({
      status: 429,
      type: 'RESOURCE_EXHAUSTED',
      retryable: true,
      retryAfterMs: 34_400,
    })
    const notFound = parse(geminiProvider, 'gemini/error-404-model-not-found.json', 404)
    expect(notFound).toBeInstanceOf(NotFoundError)
    expect(notFound.message).toMatch(/^models\/gemini-3.6-flahs is not found/)
    const invalid = parse(geminiProvider, 'gemini/error-400-invalid-argument.json', 400)
    expect(invalid).toBeInstanceOf(BadRequestError)
    expect(invalid).toMatchObject({
      status: 400,
      message: 'Request contains an invalid argument.',
      retryable: false,
    })
  })

  it('ollama {"error": string} by status', () => {
    const failed = parse(ollamaProvider, 'ollama/native-error.json', 500)
    expect(failed).toBeInstanceOf(InternalServerError)
    expect(failed).toMatchObject({
      status: 500,
      message: 'the model failed to generate a response',
      retryable: true,
    })
    expect(parse(ollamaProvider, 'ollama/native-error.json', 404)).toBeInstanceOf(NotFoundError)
    expect(parse(ollamaProvider, 'ollama/native-error.json', 502)).toBeInstanceOf(ServiceUnavailableError)
  })
})
