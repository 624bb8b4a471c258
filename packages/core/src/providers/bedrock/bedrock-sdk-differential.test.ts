import { readFileSync } from 'node:fs'
import { createServer, type Http2Server } from 'node:http2'
import type { AddressInfo } from 'node:net'
import {
  BedrockRuntimeClient,
  ConverseCommand,
  type ConverseCommandOutput,
  ConverseStreamCommand,
} from '@aws-sdk/client-bedrock-runtime'
import { EventStreamCodec } from '@smithy/core/event-streams'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assembleChatCompletion } from '../../streaming/chat-completion-assembler.js'
import { createStreamDecoder } from '../../streaming/stream-decoder.js'
import type { ChatCompletion, ChatCompletionChunk } from '../../types/chat.js'
import { encodeBedrockModelId } from './bedrock-endpoint.js'
import { bedrockProvider } from './bedrock-provider.js'
import { mapBedrockStopReason } from './map-bedrock-finish-reason.js'

// Differential: the official AWS SDK reads the same event-stream bytes (and Converse JSON), served
// over a loopback socket, and must agree with our decoder + mapper + the shared assembler.

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url))
const codec = new EventStreamCodec(
  (bytes) => new TextDecoder().decode(bytes),
  (text) => new TextEncoder().encode(text),
)

/** Encodes a crafted `.jsonl` fixture (one `{event|exception, payload}` per line) as event-stream bytes. */
function eventStream(name: string): Buffer {
  const lines = fixture(name)
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
  return Buffer.concat(
    lines.map((line) => {
      const { event, exception, payload } = JSON.parse(line)
      const string = (value: string) => ({ type: 'string' as const, value })
      const headers: Record<string, ReturnType<typeof string>> = exception === undefined
        ? { ':event-type': string(event), ':message-type': string('event') }
        : { ':exception-type': string(exception), ':message-type': string('exception') }
      const body = new TextEncoder().encode(JSON.stringify(payload))
      return codec.encode({ headers: { ...headers, ':content-type': string('application/json') }, body })
    }),
  )
}

const context = {
  provider: 'bedrock',
  model: 'm',
  requestId: 'req-1',
  headers: {},
  request: { model: 'bedrock/m', messages: [] },
}

/** Ours, with the bytes cut into pieces of `step` bytes (0: whole). */
function ours(bytes: Buffer, step = 0): ChatCompletion {
  const decoder = createStreamDecoder('eventstream')
  const mapper = bedrockProvider.createChunkMapper(context)
  const chunks: ChatCompletionChunk[] = []
  const pieces =
    step === 0
      ? [bytes]
      : Array.from({ length: Math.ceil(bytes.length / step) }, (_, i) =>
          bytes.subarray(i * step, (i + 1) * step),
        )
  for (const piece of pieces) for (const event of decoder.push(piece)) chunks.push(...mapper.map(event))
  for (const event of decoder.end()) chunks.push(...mapper.map(event))
  expect(mapper.finished).toBe(true)
  return assembleChatCompletion(chunks)
}

/** Our tool calls as the SDK has them: id, name and the parsed input. */
function toolCallsOf(completion: ChatCompletion) {
  return (completion.choices[0]!.message.tool_calls ?? []).map((call) => ({
    id: call.id,
    name: call.function.name,
    input: JSON.parse(call.function.arguments),
  }))
}

function oursError(bytes: Buffer): unknown {
  const decoder = createStreamDecoder('eventstream')
  const mapper = bedrockProvider.createChunkMapper(context)
  try {
    for (const event of decoder.push(bytes)) mapper.map(event)
  } catch (error) {
    return error
  }
  throw new Error('expected an error')
}

let server: Http2Server
let served: { type: string; body: Buffer } = { type: 'application/json', body: Buffer.alloc(0) }
let lastPath = ''
let client: BedrockRuntimeClient

beforeAll(async () => {
  // The SDK speaks HTTP/2 to Bedrock Runtime (its default handler for this service): cleartext h2 here.
  server = createServer((request, response) => {
    lastPath = request.url ?? ''
    request.resume()
    request.on('end', () => {
      response.writeHead(200, { 'content-type': served.type, 'x-amzn-requestid': 'sdk-req-1' })
      response.end(served.body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  client = new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret-for-tests' },
    maxAttempts: 1,
  })
})

afterAll(async () => {
  client.destroy()
  await new Promise((resolve) => server.close(resolve))
})

interface SdkStream {
  text: string
  reasoning: string
  tools: Array<{ id: string; name: string; input: string }>
  stopReason: string | undefined
  usage: { inputTokens?: number; outputTokens?: number } | undefined
}

async function sdkStream(bytes: Buffer, modelId = 'm'): Promise<SdkStream> {
  served = { type: 'application/vnd.amazon.eventstream', body: bytes }
  const output = await client.send(
    new ConverseStreamCommand({ modelId, messages: [{ role: 'user', content: [{ text: 'hi' }] }] }),
  )
  const result: SdkStream = { text: '', reasoning: '', tools: [], stopReason: undefined, usage: undefined }
  const byIndex = new Map<number, SdkStream['tools'][number]>()
  for await (const event of output.stream ?? []) {
    if (event.contentBlockStart?.start?.toolUse) {
      const { toolUseId, name } = event.contentBlockStart.start.toolUse
      const tool = { id: toolUseId ?? '', name: name ?? '', input: '' }
      byIndex.set(event.contentBlockStart.contentBlockIndex ?? -1, tool)
      result.tools.push(tool)
    }
    const delta = event.contentBlockDelta?.delta
    if (delta?.text) result.text += delta.text
    if (delta?.reasoningContent?.text) result.reasoning += delta.reasoningContent.text
    if (delta?.toolUse?.input)
      byIndex.get(event.contentBlockDelta?.contentBlockIndex ?? -1)!.input += delta.toolUse.input
    if (event.messageStop) result.stopReason = event.messageStop.stopReason
    if (event.metadata) result.usage = event.metadata.usage
  }
  return result
}

const streams = [
  'converse-stream-text.jsonl',
  'converse-stream-tool-use.jsonl',
  'converse-stream-reasoning.jsonl',
  'converse-stream-guardrail.jsonl',
]

describe('ConverseStream: our decoder and mapper agree with @aws-sdk/client-bedrock-runtime', () => {
  for (const name of streams) {
    it(`${name}: same text, reasoning, tool calls, stop reason and usage`, async () => {
      const bytes = eventStream(name)
      const sdk = await sdkStream(bytes)
      for (const step of [0, 1, 7, 64]) {
        const completion = ours(bytes, step)
        const message = completion.choices[0]!.message
        expect(message.content ?? '').toBe(sdk.text)
        expect(message.reasoning ?? '').toBe(sdk.reasoning)
        expect(toolCallsOf(completion)).toEqual(
          sdk.tools.map((tool) => ({
            id: tool.id,
            name: tool.name,
            input: tool.input === '' ? {} : JSON.parse(tool.input),
          })),
        )
        expect(completion.choices[0]!.finish_reason).toBe(mapBedrockStopReason(sdk.stopReason))
        expect(completion.usage?.completion_tokens).toBe(sdk.usage?.outputTokens)
        expect(completion.usage!.prompt_tokens).toBeGreaterThanOrEqual(sdk.usage!.inputTokens!)
      }
    })
  }

  it('the tool-use stream really has tool calls, and the guardrail stream a content_filter finish', async () => {
    expect(ours(eventStream('converse-stream-tool-use.jsonl')).choices[0]!.message.tool_calls).toHaveLength(2)
    expect(ours(eventStream('converse-stream-guardrail.jsonl')).choices[0]!.finish_reason).toBe(
      'content_filter',
    )
  })

  for (const [name, sdkName, ourClass] of [
    ['converse-stream-throttling.jsonl', 'ThrottlingException', 'RateLimitError'],
    ['converse-stream-model-stream-error.jsonl', 'ModelStreamErrorException', 'InternalServerError'],
    ['converse-stream-validation.jsonl', 'ValidationException', 'ContextWindowExceededError'],
  ] as const) {
    it(`${name}: the SDK throws ${sdkName}; we throw ${ourClass} with the same message`, async () => {
      const bytes = eventStream(name)
      const sdkError = (await sdkStream(bytes).catch((error: unknown) => error)) as Error
      expect(sdkError.name).toBe(sdkName)
      const error = oursError(bytes) as Error & { type?: string }
      expect(error.name).toBe(ourClass)
      expect(error.type).toBe(sdkName)
      expect(error.message).toBe(sdkError.message)
    })
  }

  it('encodes an inference-profile ARN in the path exactly as the SDK does', async () => {
    const arn =
      'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0'
    await sdkStream(eventStream('converse-stream-text.jsonl'), arn)
    expect(lastPath).toBe(`/model/${encodeBedrockModelId(arn)}/converse-stream`)
  })
})

describe('Converse: our parser agrees with @aws-sdk/client-bedrock-runtime', () => {
  async function sdkConverse(name: string): Promise<ConverseCommandOutput> {
    served = { type: 'application/json', body: fixture(name) }
    return client.send(
      new ConverseCommand({ modelId: 'm', messages: [{ role: 'user', content: [{ text: 'hi' }] }] }),
    )
  }

  for (const name of [
    'converse-tool-use.json',
    'converse-reasoning.json',
    'converse-content-filtered.json',
  ]) {
    it(`${name}: same text, reasoning, tool calls, stop reason and usage`, async () => {
      const sdk = await sdkConverse(name)
      const completion = bedrockProvider.parseChatResponse(
        JSON.parse(fixture(name).toString('utf8')),
        context,
      )
      const content = sdk.output?.message?.content ?? []
      const message = completion.choices[0]!.message
      const text = content.map((block) => block.text ?? '').join('')
      expect(message.content ?? '').toBe(text)
      expect(message.reasoning ?? '').toBe(
        content.map((block) => block.reasoningContent?.reasoningText?.text ?? '').join(''),
      )
      expect(toolCallsOf(completion)).toEqual(
        content.flatMap((block) =>
          block.toolUse
            ? [{ id: block.toolUse.toolUseId, name: block.toolUse.name, input: block.toolUse.input }]
            : [],
        ),
      )
      expect(completion.choices[0]!.finish_reason).toBe(mapBedrockStopReason(sdk.stopReason))
      expect(completion.usage?.prompt_tokens).toBe(sdk.usage?.inputTokens)
      expect(completion.usage?.completion_tokens).toBe(sdk.usage?.outputTokens)
    })
  }
})
