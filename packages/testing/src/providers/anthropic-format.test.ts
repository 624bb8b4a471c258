import Anthropic from '@anthropic-ai/sdk'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type MockProvider, startMockProvider } from '../mock-provider/start-mock-provider.js'

const tools = [
  {
    name: 'get_weather',
    input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } },
  },
]

describe('Anthropic wire format through the official @anthropic-ai/sdk', () => {
  let mock: MockProvider
  let client: Anthropic
  beforeAll(async () => {
    mock = await startMockProvider()
    client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: mock.url, maxRetries: 0 })
  })
  beforeEach(() => mock.configure({ toolCalls: undefined, reply: undefined }))
  afterAll(() => mock.close())

  it('answers messages.create with a text block, stop reason and usage', async () => {
    const message = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Hello from the test' }],
    })
    expect(message.type).toBe('message')
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from the test' }])
    expect(message.stop_reason).toBe('end_turn')
    expect(message.usage.output_tokens).toBe(4)
    const recorded = mock.lastRequest('anthropic.messages')
    // SDK 1.x sends the key as Authorization; older ones and raw clients use x-api-key.
    expect(['x-api-key', 'authorization']).toContain(recorded?.authHeader)
    expect(recorded?.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/)
  })

  it('streams the event sequence; finalMessage() assembles text', async () => {
    mock.configure({ reply: 'streamed answer here' })
    const stream = client.messages.stream({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'x' }],
    })
    const events: string[] = []
    stream.on('streamEvent', (event) => events.push(event.type))
    const message = await stream.finalMessage()
    expect(message.content).toEqual(
      [{ type: 'text', text: 'streamed answer here', citations: null }].map(({ type, text }) =>
        expect.objectContaining({ type, text }),
      ),
    )
    expect(events[0]).toBe('message_start')
    expect(events.at(-1)).toBe('message_stop')
    expect(events.filter((type) => type === 'content_block_delta')).toHaveLength(3)
    expect(message.usage.output_tokens).toBe(3)
  })

  it('streams tool_use with input_json_delta fragments, and JSON tool_use', async () => {
    mock.configure({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris', days: 3 } }] })
    const stream = client.messages.stream({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      tools,
      messages: [{ role: 'user', content: 'weather?' }],
    })
    let jsonDeltas = 0
    stream.on('inputJson', () => jsonDeltas++)
    const message = await stream.finalMessage()
    expect(message.stop_reason).toBe('tool_use')
    expect(message.content).toEqual([
      expect.objectContaining({ type: 'tool_use', name: 'get_weather', input: { city: 'Paris', days: 3 } }),
    ])
    expect(jsonDeltas).toBeGreaterThan(1)

    const json = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      tools,
      messages: [{ role: 'user', content: 'weather?' }],
    })
    expect(json.content[0]).toMatchObject({
      type: 'tool_use',
      name: 'get_weather',
      input: { city: 'Paris', days: 3 },
    })
    const toolUseId = json.content[0]?.type === 'tool_use' ? json.content[0].id : ''
    const followUp = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      tools,
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: json.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUseId, content: 'sunny' }] },
      ],
    })
    expect(followUp.content[0]).toMatchObject({ type: 'text', text: 'weather?' })
  })

  it('cuts at max_tokens with stop_reason max_tokens', async () => {
    const message = await client.messages.create({
      model: 'claude',
      max_tokens: 2,
      messages: [{ role: 'user', content: 'one two three' }],
    })
    expect(message.content).toEqual([{ type: 'text', text: 'one two' }])
    expect(message.stop_reason).toBe('max_tokens')
  })

  it("answers missing credentials with Anthropic's error bodies", async () => {
    const response = await fetch(`${mock.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude', max_tokens: 5, messages: [] }),
    })
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } })
    const noVersion = await fetch(`${mock.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'k' },
      body: JSON.stringify({ model: 'claude', max_tokens: 5, messages: [] }),
    })
    expect(noVersion.status).toBe(400)
    expect(await noVersion.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } })
  })
})
