import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { GoogleGenAI } from '@google/genai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient } from '../../client/create-client.js'
import { createSession, type LlmSession } from '../../session/create-session.js'
import type { GeminiUsageMetadata } from './gemini-api-types.js'
import { mapGeminiUsage } from './map-gemini-usage.js'

// Differential: @google/genai and our client read the same crafted streams, and send the same
// Vertex express-mode request, over a loopback socket.

interface Seen {
  path: string
  apiKey: string | undefined
}

let server: Server
let base = ''
let served = ''
const seen: Seen[] = []
let session: LlmSession

beforeAll(async () => {
  server = createServer((request: IncomingMessage, response) => {
    seen.push({ path: request.url ?? '', apiKey: request.headers['x-goog-api-key'] as string | undefined })
    request.resume()
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'text/event-stream' })
      response.end(served)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  session = createSession({ name: 'gemini-differential' })
})
afterAll(async () => {
  await session.close()
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

const event = (value: unknown) => `data: ${JSON.stringify(value)}\r\n\r\n`
const usage = (candidates?: number) => ({
  promptTokenCount: 4,
  ...(candidates === undefined ? {} : { candidatesTokenCount: candidates }),
  totalTokenCount: 4 + (candidates ?? 0),
})

const streams: Record<string, string> = {
  // A gateway's early empty STOP, then the real answer, then usage on its own event.
  'early empty STOP, late usage': [
    event({ candidates: [{ content: { role: 'model', parts: [{ text: '' }] }, finishReason: 'STOP' }] }),
    event({
      candidates: [{ content: { role: 'model', parts: [{ text: 'Hello ' }] } }],
      usageMetadata: usage(),
    }),
    event({ candidates: [{ content: { role: 'model', parts: [{ text: 'there' }] }, finishReason: 'STOP' }] }),
    event({ usageMetadata: usage(7), modelVersion: 'gemini-2.5-flash' }),
  ].join(''),
  'MALFORMED_FUNCTION_CALL is not collapsed into stop': [
    event({
      candidates: [
        { content: { role: 'model', parts: [{ text: 'Hm' }] }, finishReason: 'MALFORMED_FUNCTION_CALL' },
      ],
      usageMetadata: usage(1),
    }),
  ].join(''),
}

// The recorded responses live in the repository's test/fixtures/providers.
const recorded = [
  'stream-text.sse',
  'stream-function-call.sse',
  'stream-function-call-thought-signature.sse',
  'stream-finish-reason-safety.sse',
]
for (const file of recorded)
  streams[`recorded ${file}`] = readFileSync(
    fileURLToPath(new URL(`../../../../../test/fixtures/providers/gemini/${file}`, import.meta.url)),
    'utf8',
  )

describe('gemini: our stream reading agrees with @google/genai', () => {
  for (const [name, body] of Object.entries(streams))
    it(name, async () => {
      served = body
      const genai = new GoogleGenAI({ apiKey: 'key', httpOptions: { baseUrl: base } })
      let sdkText = ''
      let sdkUsage: unknown
      let sdkFinish: unknown
      const sdkCalls: Array<{ name?: string; args?: unknown; signature?: string }> = []
      for await (const chunk of await genai.models.generateContentStream({
        model: 'gemini-2.5-flash',
        contents: 'Hi',
      })) {
        sdkText += chunk.text ?? ''
        if (chunk.usageMetadata !== undefined) sdkUsage = chunk.usageMetadata
        if (chunk.candidates?.[0]?.finishReason !== undefined) sdkFinish = chunk.candidates[0].finishReason
        for (const part of chunk.candidates?.[0]?.content?.parts ?? [])
          if (part.functionCall)
            sdkCalls.push({
              name: part.functionCall.name,
              args: part.functionCall.args,
              signature: part.thoughtSignature,
            })
      }
      const llm = createClient({
        session,
        retries: 0,
        providers: { gemini: { apiKey: 'key', baseUrl: `${base}/v1beta` } },
      })
      const ours = await llm
        .stream({ model: 'gemini/gemini-2.5-flash', messages: [{ role: 'user', content: 'Hi' }] })
        .finalCompletion()
      // Null when the answer is only tool calls, as OpenAI does.
      expect(ours.choices[0]?.message.content ?? '').toBe(sdkText)
      expect(ours.usage).toEqual(
        sdkUsage === undefined ? undefined : mapGeminiUsage(sdkUsage as GeminiUsageMetadata),
      )
      expect(ours.choices[0]?.native_finish_reason).toBe(sdkFinish)
      const ourCalls = (ours.choices[0]?.message.tool_calls ?? []).map((call) => ({
        name: call.function.name,
        args: JSON.parse(call.function.arguments),
        signature: (call.provider_metadata?.gemini as { thoughtSignature?: string } | undefined)
          ?.thoughtSignature,
      }))
      expect(ourCalls).toEqual(sdkCalls)
      const finish: Record<string, string> = {
        MALFORMED_FUNCTION_CALL: 'malformed_function_call',
        SAFETY: 'content_filter',
        STOP: sdkCalls.length > 0 ? 'tool_calls' : 'stop',
      }
      expect(ours.choices[0]?.finish_reason).toBe(finish[sdkFinish as string])
    })
})

describe('vertex express mode: the request @google/genai sends', () => {
  it('an API key and no project: publishers/google/models on the project-less path, key in x-goog-api-key', async () => {
    served = event({
      candidates: [{ content: { role: 'model', parts: [{ text: 'ok' }] }, finishReason: 'STOP' }],
      usageMetadata: usage(1),
    })
    seen.length = 0
    // Our Vertex calls use the v1 API (genai's default is v1beta1): compare on the same version.
    const genai = new GoogleGenAI({
      vertexai: true,
      apiKey: 'express-key',
      httpOptions: { baseUrl: base, apiVersion: 'v1' },
    })
    for await (const _chunk of await genai.models.generateContentStream({
      model: 'gemini-2.5-flash',
      contents: 'Hi',
    })) {
    }
    const llm = createClient({
      session,
      retries: 0,
      providers: { vertex: { apiKey: 'express-key', baseUrl: `${base}/v1` } },
    })
    await llm
      .stream({ model: 'vertex/gemini-2.5-flash', messages: [{ role: 'user', content: 'Hi' }] })
      .finalCompletion()
    expect(seen).toHaveLength(2)
    expect(seen[1]).toEqual(seen[0])
    expect(seen[0]).toEqual({
      path: '/v1/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
      apiKey: 'express-key',
    })
  })
})
