import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Agent, request as undiciRequest } from 'undici'
import { expect, it } from 'vitest'
import type { ProviderCallContext } from '../provider.js'
import { ollamaProvider } from './ollama-provider.js'

// LiteLLM's Ollama embedding path opened a client per call and warned every time (#11657).
it('1,000 sequential embedding calls through one Agent open one connection and warn nothing', async () => {
  let connections = 0
  let requests = 0
  const server = createServer((request, response) => {
    const parts: Buffer[] = []
    request.on('data', (part: Buffer) => parts.push(part))
    request.on('end', () => {
      requests++
      const body = JSON.parse(Buffer.concat(parts).toString())
      const embeddings = (Array.isArray(body.input) ? body.input : [body.input]).map((text: string) => [
        text.length,
        requests,
      ])
      response.writeHead(request.url === '/api/embed' ? 200 : 404, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ model: body.model, embeddings, prompt_eval_count: 3 }))
    })
  })
  server.on('connection', () => {
    connections++
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const warnings: Error[] = []
  const onWarning = (warning: Error) => warnings.push(warning)
  process.on('warning', onWarning)
  // A pool of one, like a session with `connections: 1`: a request that broke keep-alive (or a
  // client per call) would show as 1,000 connections. (An unlimited pool may open a second socket
  // while the first POST's socket is still being released; that is undici's, not ours.)
  const agent = new Agent({ connections: 1 })
  const context: ProviderCallContext = {
    provider: 'ollama',
    model: 'all-minilm',
    apiKey: undefined,
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    headers: {},
    settings: {},
    send: () => Promise.reject(new Error('not used')),
    signal: new AbortController().signal,
  }
  try {
    for (let i = 0; i < 1000; i++) {
      const call = await ollamaProvider.createEmbeddingRequest!(
        { model: 'ollama/all-minilm', input: `text ${i}` },
        context,
      )
      const response = await undiciRequest(call.url, {
        dispatcher: agent,
        method: call.method,
        headers: call.headers,
        body: call.body,
      })
      expect(response.statusCode).toBe(200)
      const result = ollamaProvider.parseEmbeddingResponse!(await response.body.json(), {
        provider: 'ollama',
        model: 'all-minilm',
        requestId: undefined,
        headers: {},
      })
      expect(result.data).toEqual([{ object: 'embedding', index: 0, embedding: [`text ${i}`.length, i + 1] }])
      expect(result.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 })
    }
    // A turn of the event loop so a deferred warning would be emitted before we look.
    await new Promise((resolve) => setImmediate(resolve))
    expect(requests).toBe(1000)
    expect(connections).toBe(1)
    expect(warnings).toEqual([])
  } finally {
    process.off('warning', onWarning)
    await agent.close()
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})
