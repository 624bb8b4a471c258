import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type MockProvider, startMockProvider } from '../mock-provider/start-mock-provider.js'

describe('Ollama native wire format', () => {
  let mock: MockProvider
  const chat = (body: Record<string, unknown>) =>
    fetch(`${mock.url}/api/chat`, { method: 'POST', body: JSON.stringify({ model: 'llama3.2', ...body }) })
  beforeAll(async () => {
    mock = await startMockProvider({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Tokyo' } }] })
  })
  afterAll(() => mock.close())

  it('streams NDJSON by default, ending with a done:true line with counts', async () => {
    const response = await chat({ messages: [{ role: 'user', content: 'why is the sky blue' }] })
    expect(response.headers.get('content-type')).toBe('application/x-ndjson')
    const lines = (await response.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(
      lines
        .slice(0, -1)
        .map((line) => line.message.content)
        .join(''),
    ).toBe('why is the sky blue')
    expect(lines.at(-1)).toMatchObject({
      done: true,
      done_reason: 'stop',
      prompt_eval_count: expect.any(Number),
      eval_count: 5,
    })
    expect(mock.lastRequest()?.route).toBe('ollama.chat.stream')
  })

  it('answers stream:false with one object, and tool calls with object arguments', async () => {
    const response = await chat({
      stream: false,
      messages: [{ role: 'user', content: 'weather?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: {} } }],
    })
    expect(await response.json()).toMatchObject({
      done: true,
      message: {
        role: 'assistant',
        tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Tokyo' } } }],
      },
    })
    expect(mock.lastRequest()?.route).toBe('ollama.chat')
  })

  it('answers /api/embed', async () => {
    const response = await fetch(`${mock.url}/api/embed`, {
      method: 'POST',
      body: JSON.stringify({ model: 'all-minilm', input: ['a', 'b'] }),
    })
    const body = (await response.json()) as { embeddings: number[][] }
    expect(body.embeddings).toHaveLength(2)
    expect(body.embeddings[0]).toHaveLength(8)
  })
})
