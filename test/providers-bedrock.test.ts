import { fromNodeProviderChain } from '@aws-sdk/credential-providers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  AuthenticationError,
  createClient,
  createSession,
  getCallInfo,
  type LlmClient,
  type LlmSession,
  RateLimitError,
  ResponseParseError,
} from '../packages/core/src/index.js'
import { MOCK_AWS_CREDENTIALS, type MockProvider, startMockProvider } from '../packages/testing/src/index.js'
import { textsOf } from './reliability/support/secret-scan.js'

// Bedrock end to end: the client signs every request, the mock verifies every signature.

const profile = 'us.anthropic.claude-3-5-haiku-20241022-v1:0'
const arn = `arn:aws:bedrock:us-east-1:123456789012:inference-profile/${profile}`
const sessionToken = 'planted-session-token-5d4c3b2a19f8e7d6'
const tools = [
  {
    type: 'function' as const,
    function: {
      name: 'get_weather',
      parameters: { type: 'object', properties: { city: { type: 'string' } } },
    },
  },
]

let mock: MockProvider
let session: LlmSession
let llm: LlmClient
const logs: string[] = []
beforeAll(async () => {
  mock = await startMockProvider({ awsCredentials: [{ ...MOCK_AWS_CREDENTIALS, sessionToken }] })
  const capture = (fields: unknown, message?: string) => logs.push(JSON.stringify({ fields, message }))
  const logger = { debug: capture, info: capture, warn: capture, error: capture }
  session = createSession({ connections: 4, logger })
  llm = createClient({
    session,
    logger,
    providers: {
      bedrock: {
        region: 'us-east-1',
        baseUrl: mock.url,
        credentials: { ...MOCK_AWS_CREDENTIALS, sessionToken },
      },
    },
  })
})
afterAll(async () => {
  await session.close()
  await mock.close()
})

describe('bedrock/<modelId> through the client and the mock', () => {
  it('Converse: signed request, ARN encoded in the path, OpenAI-shaped answer, AWS request id', async () => {
    const before = mock.stats().signaturesVerified
    const completion = await llm.completion({
      model: `bedrock/${arn}`,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hello from bedrock' },
      ],
      max_tokens: 50,
      temperature: 0.1,
      stop: ['END'],
    })
    expect(completion.choices[0]!.message.content).toBe('hello from bedrock')
    expect(completion.choices[0]!.finish_reason).toBe('stop')
    expect(completion.usage).toMatchObject({ completion_tokens: 3 })
    expect(mock.stats().signaturesVerified).toBe(before + 1)
    const recorded = mock.lastRequest()!
    expect(recorded.path).toBe(`/model/${encodeURIComponent(arn)}/converse`)
    expect(recorded.model).toBe(arn)
    expect(recorded.body).toMatchObject({
      system: [{ text: 'Be brief.' }],
      inferenceConfig: { maxTokens: 50, temperature: 0.1, stopSequences: ['END'] },
    })
    expect(recorded.headers['x-amz-security-token']).toBe('[redacted]')
    const info = getCallInfo(completion)!
    expect(info.requestId).toMatch(/^00000000-0000-4000-8000-\d{12}$/)
    expect(completion.id).toBe(info.requestId)
  })

  it('ConverseStream: text chunks and usage from the event stream', async () => {
    const stream = llm.stream({
      model: `bedrock/${profile}`,
      messages: [{ role: 'user', content: 'one two three four' }],
    })
    let text = ''
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
    const completion = await stream.finalCompletion()
    expect(text).toBe('one two three four')
    expect(completion.usage).toMatchObject({ completion_tokens: 4 })
    expect(mock.lastRequest()!.route).toBe('bedrock.converse.stream')
  })

  it('tool calls round-trip: streamed call, then the tool result answered with text', async () => {
    mock.configure({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] })
    try {
      const messages = [{ role: 'user' as const, content: 'Weather in Paris?' }]
      const first = await llm.stream({ model: `bedrock/${profile}`, messages, tools }).finalCompletion()
      const call = first.choices[0]!.message.tool_calls![0]!
      expect(first.choices[0]!.finish_reason).toBe('tool_calls')
      expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' })
      const second = await llm.completion({
        model: `bedrock/${profile}`,
        tools,
        messages: [
          ...messages,
          first.choices[0]!.message,
          { role: 'tool', tool_call_id: call.id, content: '{"sky":"clear"}' },
        ],
      })
      expect(second.choices[0]!.message.content).toBe('Weather in Paris?')
      expect(mock.lastRequest()!.body).toMatchObject({
        messages: [
          { role: 'user' },
          {
            role: 'assistant',
            content: [{ toolUse: { toolUseId: call.id, name: 'get_weather', input: { city: 'Paris' } } }],
          },
          {
            role: 'user',
            content: [{ toolResult: { toolUseId: call.id, content: [{ text: '{"sky":"clear"}' }] } }],
          },
        ],
      })
    } finally {
      mock.configure({ toolCalls: undefined })
    }
  })

  it('retries a ThrottlingException with a fresh signature, and types stream faults', async () => {
    const before = mock.stats().signaturesVerified
    const retried = await llm.completion({
      model: `bedrock/${profile}`,
      messages: [{ role: 'user', content: 'retry me' }],
      headers: {
        'x-mock-fault': 'fail-429-times-1',
        'x-mock-retry-after-ms': '1',
        'x-mock-fault-id': 'bedrock-retry',
      },
    })
    expect(retried.choices[0]!.message.content).toBe('retry me')
    expect(getCallInfo(retried)!.attempts).toBe(2)
    expect(mock.stats().signaturesVerified).toBe(before + 2)
    const throttled = await llm
      .completion({ model: 'bedrock/mock-fail-429', messages: [{ role: 'user', content: 'x' }], retries: 0 })
      .catch((error: unknown) => error)
    expect(throttled).toBeInstanceOf(RateLimitError)
    expect(throttled).toMatchObject({
      type: 'ThrottlingException',
      status: 429,
      requestId: expect.stringMatching(/^0{8}/),
    })
    const midStream = await llm
      .stream({ model: 'bedrock/mock-stream-error', messages: [{ role: 'user', content: 'a b c d' }] })
      .finalCompletion()
      .catch((error: unknown) => error)
    expect(midStream).toBeInstanceOf(RateLimitError)
    const corrupt = await llm
      .stream({ model: 'bedrock/mock-malformed-json', messages: [{ role: 'user', content: 'a b c d' }] })
      .finalCompletion()
      .catch((error: unknown) => error)
    expect(corrupt).toBeInstanceOf(ResponseParseError)
  })

  it('embeddings over InvokeModel: Titan v2 and Cohere, in the OpenAI shape', async () => {
    const titan = await llm.embedding({
      model: 'bedrock/amazon.titan-embed-text-v2:0',
      input: 'hello world',
      dimensions: 4,
    })
    expect(titan.data).toHaveLength(1)
    expect(titan.data[0]!.embedding).toHaveLength(4)
    expect(titan.usage).toEqual({ prompt_tokens: 2, total_tokens: 2 })
    const cohere = await llm.embedding({ model: 'bedrock/cohere.embed-multilingual-v3', input: ['a', 'b c'] })
    expect(cohere.data.map((item) => item.index)).toEqual([0, 1])
    expect(cohere.usage.prompt_tokens).toBe(3)
    await expect(
      llm.embedding({ model: 'bedrock/amazon.titan-embed-text-v2:0', input: ['a', 'b'] }),
    ).rejects.toMatchObject({
      name: 'InvalidArgumentError',
      field: 'input',
    })
  })

  it("the AWS SDK's fromNodeProviderChain() plugs in as the credentials provider", async () => {
    // The chain's first source is the environment, so it makes no HTTP call of its own here.
    const saved = {
      id: process.env.AWS_ACCESS_KEY_ID,
      secret: process.env.AWS_SECRET_ACCESS_KEY,
      token: process.env.AWS_SESSION_TOKEN,
    }
    process.env.AWS_ACCESS_KEY_ID = MOCK_AWS_CREDENTIALS.accessKeyId
    process.env.AWS_SECRET_ACCESS_KEY = MOCK_AWS_CREDENTIALS.secretAccessKey
    process.env.AWS_SESSION_TOKEN = sessionToken
    try {
      const chained = createClient({
        session,
        providers: {
          bedrock: { region: 'us-east-1', baseUrl: mock.url, credentials: fromNodeProviderChain() },
        },
      })
      const before = mock.stats().signaturesVerified
      const completion = await chained.completion({
        model: `bedrock/${profile}`,
        messages: [{ role: 'user', content: 'chained' }],
      })
      expect(completion.choices[0]!.message.content).toBe('chained')
      expect(mock.stats().signaturesVerified).toBe(before + 1)
    } finally {
      for (const [name, value] of [
        ['AWS_ACCESS_KEY_ID', saved.id],
        ['AWS_SECRET_ACCESS_KEY', saved.secret],
        ['AWS_SESSION_TOKEN', saved.token],
      ] as const)
        if (value === undefined) delete process.env[name]
        else process.env[name] = value
    }
  })

  it('an API key is sent as a bearer token', async () => {
    const bearer = createClient({
      session,
      providers: { bedrock: { region: 'us-east-1', baseUrl: mock.url } },
    })
    const completion = await bearer.completion({
      model: `bedrock/${profile}`,
      messages: [{ role: 'user', content: 'bearer' }],
      apiKey: 'ABSKplantedBedrockApiKey0123456789',
    })
    expect(completion.choices[0]!.message.content).toBe('bearer')
    expect(mock.lastRequest()!.authHeader).toBe('authorization')
  })

  it('a wrong secret is an AuthenticationError; no secret in errors, logs or inspected objects', async () => {
    const wrongSecret = 'planted-wrong-secret-access-key-0a9b8c7d'
    const wrong = createClient({
      session,
      providers: {
        bedrock: {
          region: 'us-east-1',
          baseUrl: mock.url,
          credentials: { ...MOCK_AWS_CREDENTIALS, sessionToken, secretAccessKey: wrongSecret },
        },
      },
    })
    const error = await wrong
      .completion({ model: `bedrock/${profile}`, messages: [{ role: 'user', content: 'x' }] })
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(AuthenticationError)
    expect(error).toMatchObject({ type: 'InvalidSignatureException', status: 403 })
    const texts = [...textsOf(error), ...textsOf(wrong), ...textsOf(llm), ...logs]
    for (const secret of [wrongSecret, MOCK_AWS_CREDENTIALS.secretAccessKey, sessionToken]) {
      expect(texts.filter((text) => text.includes(secret))).toEqual([])
    }
    expect(logs.length).toBeGreaterThan(0)
    expect(texts.some((text) => /Signature=[0-9a-f]{64}/.test(text))).toBe(false)
  })
})
