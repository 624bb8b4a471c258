import { GoogleGenAI, Type } from '@google/genai'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type MockProvider, startMockProvider } from '../mock-provider/start-mock-provider.js'

const tools = [
  {
    functionDeclarations: [
      {
        name: 'get_capital',
        parameters: { type: Type.OBJECT, properties: { country: { type: Type.STRING } } },
      },
    ],
  },
]

describe('Gemini wire format through the official @google/genai SDK', () => {
  let mock: MockProvider
  let ai: GoogleGenAI
  beforeAll(async () => {
    mock = await startMockProvider()
    ai = new GoogleGenAI({ apiKey: 'gemini-key', httpOptions: { baseUrl: mock.url } })
  })
  beforeEach(() => mock.configure({ toolCalls: undefined, reply: undefined }))
  afterAll(() => mock.close())

  it('answers generateContent', async () => {
    const response = await ai.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'What is the capital of France?',
    })
    expect(response.text).toBe('What is the capital of France?')
    expect(response.candidates?.[0]?.finishReason).toBe('STOP')
    expect(response.usageMetadata?.candidatesTokenCount).toBe(6)
    const recorded = mock.lastRequest('gemini.generateContent')
    expect(recorded?.authHeader).toBe('x-goog-api-key')
    expect(recorded?.model).toBe('gemini-2.5-flash')
  })

  it('streams with alt=sse and \\r\\n\\r\\n separators, usage on every chunk', async () => {
    mock.configure({ reply: 'The capital is Paris.' })
    const chunks = []
    for await (const chunk of await ai.models.generateContentStream({
      model: 'gemini-2.5-flash',
      contents: 'x',
    })) {
      chunks.push(chunk)
    }
    expect(chunks.map((chunk) => chunk.text ?? '').join('')).toBe('The capital is Paris.')
    expect(chunks.every((chunk) => chunk.usageMetadata?.promptTokenCount !== undefined)).toBe(true)
    expect(chunks.at(-1)?.candidates?.[0]?.finishReason).toBe('STOP')
    expect(mock.lastRequest('gemini.streamGenerateContent')?.path).toContain('alt=sse')

    const raw = await fetch(`${mock.url}/v1beta/models/m:streamGenerateContent?alt=sse`, {
      method: 'POST',
      headers: { 'x-goog-api-key': 'k', 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'a b' }] }] }),
    })
    const text = await raw.text()
    // 'The capital is Paris.' is four chunks, then the chunk with finishReason.
    expect(text.split('\r\n\r\n').filter(Boolean)).toHaveLength(5)
    expect(text.endsWith('\r\n\r\n')).toBe(true)
  })

  it('answers function calls, JSON and streamed', async () => {
    mock.configure({ toolCalls: [{ name: 'get_capital', arguments: { country: 'France' } }] })
    const response = await ai.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'capital?',
      config: { tools },
    })
    expect(response.functionCalls).toEqual([{ name: 'get_capital', args: { country: 'France' } }])
    const calls = []
    for await (const chunk of await ai.models.generateContentStream({
      model: 'gemini-2.5-flash',
      contents: 'capital?',
      config: { tools },
    })) {
      calls.push(...(chunk.functionCalls ?? []))
    }
    expect(calls).toEqual([{ name: 'get_capital', args: { country: 'France' } }])
  })

  it('answers embedContent and batchEmbedContents', async () => {
    const result = await ai.models.embedContent({ model: 'text-embedding-004', contents: ['a', 'b'] })
    expect(result.embeddings).toHaveLength(2)
    expect(result.embeddings?.[0]?.values).toHaveLength(8)
    const single = await fetch(`${mock.url}/v1beta/models/text-embedding-004:embedContent`, {
      method: 'POST',
      headers: { 'x-goog-api-key': 'k', 'content-type': 'application/json' },
      body: JSON.stringify({ content: { parts: [{ text: 'a' }] }, outputDimensionality: 4 }),
    })
    const body = (await single.json()) as { embedding: { values: number[] } }
    expect(body.embedding.values).toHaveLength(4)
  })

  it('rejects a request without a key as the real API does (403 PERMISSION_DENIED)', async () => {
    const response = await fetch(`${mock.url}/v1beta/models/m:generateContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [] }),
    })
    expect(response.status).toBe(403)
    expect(await response.json()).toMatchObject({ error: { code: 403, status: 'PERMISSION_DENIED' } })
  })
})
