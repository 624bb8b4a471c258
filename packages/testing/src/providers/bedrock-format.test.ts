import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
} from '@aws-sdk/client-bedrock-runtime'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { MOCK_AWS_CREDENTIALS } from '../mock-provider/mock-provider-options.js'
import { type MockProvider, startMockProvider } from '../mock-provider/start-mock-provider.js'

const modelId =
  'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0'
const messages = [{ role: 'user' as const, content: [{ text: 'Hello from the SDK' }] }]

describe('Bedrock wire format through the official @aws-sdk/client-bedrock-runtime', () => {
  let mock: MockProvider
  let client: BedrockRuntimeClient
  const sdk = (secretAccessKey = MOCK_AWS_CREDENTIALS.secretAccessKey) =>
    new BedrockRuntimeClient({
      region: 'us-east-1',
      endpoint: mock.url,
      credentials: { accessKeyId: MOCK_AWS_CREDENTIALS.accessKeyId, secretAccessKey },
      // The mock speaks HTTP/1.1; the SDK's default handler for this service is HTTP/2.
      requestHandler: new NodeHttpHandler(),
      maxAttempts: 1,
    })
  beforeAll(async () => {
    mock = await startMockProvider()
    client = sdk()
  })
  beforeEach(() => mock.configure({ toolCalls: undefined, reply: undefined }))
  afterAll(async () => {
    client.destroy()
    await mock.close()
  })

  it('accepts the SDK signature on Converse and answers text, stop reason and usage', async () => {
    const before = mock.stats().signaturesVerified
    const output = await client.send(new ConverseCommand({ modelId, messages }))
    expect(output.output?.message?.content).toEqual([{ text: 'Hello from the SDK' }])
    expect(output.stopReason).toBe('end_turn')
    expect(output.usage).toMatchObject({ outputTokens: 4 })
    expect(output.$metadata.requestId).toMatch(/^0{8}-/)
    expect(mock.stats().signaturesVerified).toBe(before + 1)
    expect(mock.lastRequest()?.model).toBe(modelId)
    expect(mock.lastRequest()?.headers.authorization).toBe('[redacted]')
  })

  it('streams ConverseStream event-stream frames the SDK decodes, tool calls included', async () => {
    mock.configure({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris', days: 3 } }] })
    const output = await client.send(
      new ConverseStreamCommand({
        modelId,
        messages,
        toolConfig: {
          tools: [{ toolSpec: { name: 'get_weather', inputSchema: { json: { type: 'object' } } } }],
        },
      }),
    )
    let input = ''
    const events: string[] = []
    let stopReason: string | undefined
    for await (const event of output.stream ?? []) {
      events.push(Object.keys(event)[0]!)
      input += event.contentBlockDelta?.delta?.toolUse?.input ?? ''
      stopReason = event.messageStop?.stopReason ?? stopReason
    }
    expect(events[0]).toBe('messageStart')
    expect(events.at(-1)).toBe('metadata')
    expect(JSON.parse(input)).toEqual({ city: 'Paris', days: 3 })
    expect(stopReason).toBe('tool_use')
  })

  it('a mid-stream throttlingException reaches the SDK as ThrottlingException', async () => {
    const output = await client.send(
      new ConverseStreamCommand({
        modelId: 'mock-stream-error',
        messages: [{ role: 'user', content: [{ text: 'a b c d' }] }],
      }),
    )
    const error = await (async () => {
      for await (const _event of output.stream ?? []) {
      }
    })().catch((caught: unknown) => caught)
    expect((error as Error).name).toBe('ThrottlingException')
  })

  it('answers faults as AWS JSON errors the SDK names', async () => {
    const error = await client
      .send(new ConverseCommand({ modelId: 'mock-fail-429', messages }))
      .catch((e: unknown) => e)
    expect((error as Error).name).toBe('ThrottlingException')
    expect((error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(429)
  })

  it('refuses a signature made with the wrong secret, and unsigned requests', async () => {
    const wrong = sdk('not-the-secret')
    const error = await wrong.send(new ConverseCommand({ modelId, messages })).catch((e: unknown) => e)
    wrong.destroy()
    expect((error as Error).name).toBe('InvalidSignatureException')
    const unsigned = await fetch(`${mock.url}/model/m/converse`, { method: 'POST', body: '{}' })
    expect(unsigned.status).toBe(403)
    expect(unsigned.headers.get('x-amzn-errortype')).toMatch(/^MissingAuthenticationTokenException/)
  })

  it('serves Titan and Cohere embeddings over InvokeModel', async () => {
    const titan = await client.send(
      new InvokeModelCommand({
        modelId: 'amazon.titan-embed-text-v2:0',
        contentType: 'application/json',
        body: JSON.stringify({ inputText: 'hello world', dimensions: 4 }),
      }),
    )
    expect(JSON.parse(new TextDecoder().decode(titan.body))).toMatchObject({ inputTextTokenCount: 2 })
    const cohere = await client.send(
      new InvokeModelCommand({
        modelId: 'cohere.embed-english-v3',
        contentType: 'application/json',
        body: JSON.stringify({ texts: ['a', 'b c'], input_type: 'search_document' }),
      }),
    )
    const body = JSON.parse(new TextDecoder().decode(cohere.body))
    expect(body.embeddings).toHaveLength(2)
    expect(body.embeddings[0]).toHaveLength(8)
  })
})
