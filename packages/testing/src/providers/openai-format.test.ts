import OpenAI from 'openai'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type MockProvider, startMockProvider } from '../mock-provider/start-mock-provider.js'

const weatherTool = {
  type: 'function' as const,
  function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
}

describe('OpenAI wire format through the official openai SDK', () => {
  let mock: MockProvider
  let client: OpenAI
  beforeAll(async () => {
    mock = await startMockProvider()
    client = new OpenAI({ apiKey: 'sk-test', baseURL: `${mock.url}/v1`, maxRetries: 0 })
  })
  beforeEach(() => mock.configure({ toolCalls: undefined, reply: undefined, tokens: undefined }))
  afterAll(() => mock.close())

  it('answers chat completions with an echo of the last user message', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'Hello mock world' },
      ],
    })
    expect(completion.object).toBe('chat.completion')
    expect(completion.model).toBe('gpt-4o-mini')
    expect(completion.choices[0]?.message.content).toBe('Hello mock world')
    expect(completion.choices[0]?.finish_reason).toBe('stop')
    expect(completion.usage?.completion_tokens).toBe(3)
    expect(completion.usage?.total_tokens).toBe((completion.usage?.prompt_tokens ?? 0) + 3)
    expect(mock.lastRequest('openai.chat')?.authHeader).toBe('authorization')
    expect(mock.lastRequest('openai.chat')?.headers.authorization).toBe('[redacted]')
  })

  it('streams chunks, the usage chunk and [DONE] with the stream helper', async () => {
    mock.configure({ reply: 'one two three four', tokens: 6 })
    const stream = client.chat.completions.stream({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'ignored' }],
      stream_options: { include_usage: true },
    })
    const contents: string[] = []
    let usageChunks = 0
    for await (const chunk of stream) {
      if (chunk.choices.length === 0 && chunk.usage) usageChunks++
      const content = chunk.choices[0]?.delta.content
      if (content) contents.push(content)
    }
    const final = await stream.finalChatCompletion()
    expect(contents).toEqual(['one', ' two', ' three', ' four', ' one', ' two'])
    expect(final.choices[0]?.message.content).toBe('one two three four one two')
    expect(usageChunks).toBe(1)
    expect(final.usage?.completion_tokens).toBe(6)
    expect(mock.stats().byRoute['openai.chat.stream']).toBeGreaterThanOrEqual(1)
  })

  it('streams tool calls by index with fragmented arguments', async () => {
    mock.configure({
      toolCalls: [
        { name: 'get_weather', arguments: { city: 'Paris' } },
        { name: 'get_weather', arguments: { city: 'Tokyo', unit: 'celsius' } },
      ],
    })
    const stream = client.chat.completions.stream({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'weather in Paris and Tokyo?' }],
      tools: [weatherTool],
    })
    const final = await stream.finalChatCompletion()
    const calls = final.choices[0]?.message.tool_calls ?? []
    expect(final.choices[0]?.finish_reason).toBe('tool_calls')
    expect(
      calls.map(
        (call) => call.type === 'function' && [call.function.name, JSON.parse(call.function.arguments)],
      ),
    ).toEqual([
      ['get_weather', { city: 'Paris' }],
      ['get_weather', { city: 'Tokyo', unit: 'celsius' }],
    ])
    expect(new Set(calls.map((call) => call.id)).size).toBe(2)

    // With the tool results in the conversation, the answer is text again.
    const followUp = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: null, tool_calls: calls },
        { role: 'tool', tool_call_id: calls[0]?.id ?? '', content: 'sunny' },
      ],
      tools: [weatherTool],
    })
    expect(followUp.choices[0]?.message.content).toBe('weather?')
  })

  it('answers JSON tool calls and cuts answers at max_completion_tokens', async () => {
    mock.configure({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] })
    const withTools = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
      tools: [weatherTool],
    })
    const call = withTools.choices[0]?.message.tool_calls?.[0]
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ city: 'Oslo' })
    const cut = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'a b c d e' }],
      max_completion_tokens: 2,
    })
    expect(cut.choices[0]?.message.content).toBe('a b')
    expect(cut.choices[0]?.finish_reason).toBe('length')
  })

  it('answers embeddings, float and base64 (the SDK default), deterministically', async () => {
    const first = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] })
    const again = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['a', 'b'],
      encoding_format: 'float',
    })
    expect(first.data).toHaveLength(2)
    expect(first.data[0]?.embedding).toHaveLength(8)
    expect(first.data[0]?.embedding).toEqual(again.data[0]?.embedding)
    expect(first.data[0]?.embedding).not.toEqual(first.data[1]?.embedding)
    const sized = await client.embeddings.create({ model: 'e', input: 'a', dimensions: 3 })
    expect(sized.data[0]?.embedding).toHaveLength(3)
  })

  it('serves Azure deployment URLs with api-key auth, and OpenAI-compatible prefixes', async () => {
    const azure = await fetch(
      `${mock.url}/openai/deployments/my-gpt/chat/completions?api-version=2024-10-21`,
      {
        method: 'POST',
        headers: { 'api-key': 'azure-key', 'content-type': 'application/json' },
        body: JSON.stringify({ messages: [{ role: 'user', content: 'hi azure' }] }),
      },
    )
    const azureBody = (await azure.json()) as { model: string; choices: { message: { content: string } }[] }
    expect(azure.status).toBe(200)
    expect(azureBody.model).toBe('my-gpt')
    expect(azureBody.choices[0]?.message.content).toBe('hi azure')
    expect(mock.lastRequest('azure.chat')?.authHeader).toBe('api-key')

    const noVersion = await fetch(`${mock.url}/openai/deployments/my-gpt/chat/completions`, {
      method: 'POST',
      headers: { 'api-key': 'azure-key', 'content-type': 'application/json' },
      body: '{}',
    })
    expect(noVersion.status).toBe(404)
    await noVersion.body?.cancel()

    for (const base of ['/openai/v1', '/groq/openai/v1', '/api/v1']) {
      const compatible = new OpenAI({ apiKey: 'k', baseURL: `${mock.url}${base}`, maxRetries: 0 })
      const completion = await compatible.chat.completions.create({
        model: 'm',
        messages: [{ role: 'user', content: base }],
      })
      expect(completion.choices[0]?.message.content).toBe(base)
    }
  })

  it("answers a missing key with OpenAI's 401 body", async () => {
    const response = await fetch(`${mock.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [] }),
    })
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({
      error: { type: 'invalid_request_error', code: 'invalid_api_key' },
    })
    expect(mock.lastRequest()?.authHeader).toBeUndefined()
  })
})
