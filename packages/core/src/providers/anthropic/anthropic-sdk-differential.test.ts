import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Anthropic from '@anthropic-ai/sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assembleChatCompletion } from '../../streaming/chat-completion-assembler.js'
import { createStreamDecoder } from '../../streaming/stream-decoder.js'
import type { ChatCompletion, ChatCompletionChunk } from '../../types/chat.js'
import { anthropicProvider } from './anthropic-provider.js'
import { mapAnthropicStopReason } from './map-anthropic-finish-reason.js'
import { mapAnthropicUsage } from './map-anthropic-usage.js'

// Differential: the official SDK's MessageStream assembles the same recorded bytes, served over
// a loopback socket, and must agree with our mapper + the shared assembler (in OpenAI shape).

// The recorded responses live in the repository's test/fixtures/providers.
const anthropicDir = fileURLToPath(
  new URL('../../../../../test/fixtures/providers/anthropic/', import.meta.url),
)

// Crafted streams (extended thinking, pause_turn) live beside this test.
const craftedDir = fileURLToPath(new URL('./__fixtures__/', import.meta.url))

function body(file: string): Buffer {
  const raw = readFileSync(
    join(file.startsWith('crafted:') ? craftedDir : anthropicDir, file.replace('crafted:', '')),
  )
  if (!file.endsWith('.chunks.jsonl')) return raw
  const lines = raw
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
  return Buffer.from(lines.map((line) => `event: ${JSON.parse(line).type}\ndata: ${line}\n\n`).join(''))
}

function ours(bytes: Buffer): ChatCompletion {
  const decoder = createStreamDecoder('sse')
  const mapper = anthropicProvider.createChunkMapper({
    provider: 'anthropic',
    model: 'm',
    requestId: undefined,
    headers: {},
    request: { model: 'anthropic/m', messages: [] },
  })
  const chunks: ChatCompletionChunk[] = []
  for (const event of [...decoder.push(bytes), ...decoder.end()]) chunks.push(...mapper.map(event))
  return assembleChatCompletion(chunks)
}

let server: Server
let served: Buffer = Buffer.alloc(0)
let client: Anthropic

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume()
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'text/event-stream' })
      response.end(served)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  client = new Anthropic({ apiKey: 'test-key', baseURL: `http://127.0.0.1:${port}`, maxRetries: 0 })
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

async function sdk(bytes: Buffer) {
  served = bytes
  const stream = client.messages.stream({
    model: 'm',
    max_tokens: 1024,
    messages: [{ role: 'user', content: 'hi' }],
  })
  return stream.finalMessage()
}

const files = [
  'messages-stream-text-tool-use.sse',
  'messages-stream-text-padded.sse',
  'messages-stream-max-tokens-truncated-tool.sse',
  'messages-stream-server-tool-blocks.sse',
  'messages-stream-tool-no-args.chunks.jsonl',
  'crafted:messages-stream-thinking-signature.sse',
  'crafted:messages-stream-pause-turn.sse',
]

describe('anthropic: our assembly agrees with @anthropic-ai/sdk MessageStream', () => {
  for (const file of files) {
    it(file, async () => {
      const bytes = body(file)
      const expected = await sdk(bytes)
      const actual = ours(bytes)
      const choice = actual.choices[0]!

      const sdkText = expected.content
        .flatMap((block) => (block.type === 'text' ? [block.text] : []))
        .join('')
      expect(choice.message.content ?? '').toBe(sdkText)
      expect(sdkText).not.toBe('')

      const sdkTools = expected.content.flatMap((block) => (block.type === 'tool_use' ? [block] : []))
      const ourTools = choice.message.tool_calls ?? []
      expect(ourTools.map((call) => [call.id, call.function.name])).toEqual(
        sdkTools.map((tool) => [tool.id, tool.name]),
      )
      expect(sdkTools).toHaveLength(file.includes('padded') || file.includes('pause') ? 0 : 1)

      // Thinking and redacted_thinking blocks, signature included, exactly as the SDK assembles them.
      const sdkThinking = expected.content.filter(
        (block) => block.type === 'thinking' || block.type === 'redacted_thinking',
      )
      expect(choice.message.thinking_blocks ?? []).toEqual(sdkThinking)
      if (file.includes('thinking')) expect(sdkThinking).toHaveLength(2)
      expect(choice.native_finish_reason).toBe(expected.stop_reason)
      if (expected.stop_reason !== 'max_tokens') {
        // A truncated tool input is kept raw by us; the SDK partial-parses it, so only whole inputs compare.
        expect(ourTools.map((call) => JSON.parse(call.function.arguments))).toEqual(
          sdkTools.map((tool) => tool.input),
        )
      }

      expect(choice.finish_reason).toBe(mapAnthropicStopReason(expected.stop_reason))
      expect(actual.usage).toEqual(mapAnthropicUsage({ ...expected.usage }))
      expect(actual.id).toBe(expected.id)
    })
  }

  it('messages-stream-error-event.sse: both fail with the overloaded error', async () => {
    const bytes = body('messages-stream-error-event.sse')
    const sdkError = await sdk(bytes).then(
      () => undefined,
      (error: unknown) => error,
    )
    expect(sdkError).toBeInstanceOf(Anthropic.APIError)
    expect(JSON.stringify((sdkError as InstanceType<typeof Anthropic.APIError>).error)).toContain(
      'overloaded_error',
    )
    expect(() => ours(bytes)).toThrow(expect.objectContaining({ type: 'overloaded_error', retryable: true }))
  })
})
