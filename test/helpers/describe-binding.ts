// Shared by the bindings-*.test.ts files: the test's client to a chat app (see chat-app.ts), and
// the suite every binding must pass (lifecycle, connections, shutdown, disconnect).
import { readdirSync } from 'node:fs'
import { createSession, InvalidArgumentError } from '@llm-session/core'
import { type MockProvider, startMockProvider } from '@llm-session/testing'
import { Agent, request } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import type { StartApp } from './chat-app.js'

/** Client options pointing the OpenAI provider at the mock. */
export function clientOptionsFor(mock: MockProvider) {
  return { providers: { openai: { baseUrl: `${mock.url}/v1`, apiKey: 'sk-test-not-a-real-key' } } }
}

export function sessionOptionsFor(mock: MockProvider, connections = 10) {
  return { connections, ...(mock.ca === undefined ? {} : { tls: { ca: mock.ca } }) }
}

export function openFileDescriptors(): number {
  return readdirSync('/proc/self/fd').length
}

const body = JSON.stringify({ messages: [{ role: 'user', content: 'hello from the test' }] })

/** The test's own HTTP client to the app: one agent per test, closed at the end. */
export function createCaller(url: string, connections = 500) {
  const agent = new Agent({ connections })
  let closing: Promise<void> | undefined
  return {
    agent,
    close: () => {
      closing ??= agent.close()
      return closing
    },
    chat: async () => {
      const response = await request(`${url}/chat`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
        dispatcher: agent,
      })
      return { status: response.statusCode, json: (await response.body.json()) as Record<string, unknown> }
    },
    stream: (signal?: AbortSignal) =>
      request(`${url}/chat/stream`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'x-request-id': 'req-from-test' },
        dispatcher: agent,
        signal,
      }),
  }
}

/** Reads SSE `data:` payloads as they come. */
export async function* sseData(stream: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  let buffered = ''
  for await (const piece of stream) {
    buffered += piece.toString()
    let end = buffered.indexOf('\n\n')
    while (end !== -1) {
      const frame = buffered.slice(0, end)
      buffered = buffered.slice(end + 2)
      for (const line of frame.split('\n')) if (line.startsWith('data: ')) yield line.slice(6)
      end = buffered.indexOf('\n\n')
    }
  }
}

/** The suite each binding runs against a real app and the real mock provider over TLS. */
export function describeBinding(name: string, startApp: StartApp): void {
  describe(`${name} binding`, () => {
    const cleanup: Array<() => Promise<unknown>> = []
    afterEach(async () => {
      for (const step of cleanup.splice(0).reverse()) await step()
    })

    async function mockProvider(options: Parameters<typeof startMockProvider>[0] = {}) {
      const mock = await startMockProvider({ tls: true, ...options })
      cleanup.push(() => mock.close())
      return mock
    }

    it('rejects an unknown option with an InvalidArgumentError naming it', async () => {
      const error = await startApp({ sesion: {} }).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(InvalidArgumentError)
      expect((error as InvalidArgumentError).field).toBe('sesion')
    })

    it('closes the session it owns after the app closes', async () => {
      const mock = await mockProvider()
      const app = await startApp({ session: sessionOptionsFor(mock), client: clientOptionsFor(mock) })
      const caller = createCaller(app.url)
      cleanup.push(() => caller.close())
      expect((await caller.chat()).status).toBe(200)
      expect(app.session.closed).toBe(false)
      await app.close()
      expect(app.session.closed).toBe(true)
    })

    it('leaves an injected session open, and closes it with closeSession: true', async () => {
      const mock = await mockProvider()
      const session = createSession(sessionOptionsFor(mock))
      cleanup.push(() => session.close())
      const borrowed = await startApp({ session, client: clientOptionsFor(mock) })
      expect(borrowed.session).toBe(session)
      await borrowed.close()
      expect(session.closed).toBe(false)

      const handedOver = await startApp({ session, client: clientOptionsFor(mock), closeSession: true })
      await handedOver.close()
      expect(session.closed).toBe(true)
    })

    it('serves 500 concurrent requests over no more provider connections than the limit, then leaves nothing open', async () => {
      const mock = await mockProvider()
      const baseline = openFileDescriptors()
      const app = await startApp({
        session: sessionOptionsFor(mock, 10),
        client: clientOptionsFor(mock),
      })
      const caller = createCaller(app.url)
      const answers = await Promise.all(Array.from({ length: 500 }, () => caller.chat()))
      expect(answers.filter((answer) => answer.status === 200)).toHaveLength(500)
      expect(mock.stats().requests).toBe(500)
      expect(mock.stats().connections).toBeGreaterThan(0)
      expect(mock.stats().connections).toBeLessThanOrEqual(10)
      await caller.close()
      await app.close()
      await mock.waitFor((stats) => stats.openConnections === 0)
      expect(mock.stats().openConnections).toBe(0)
      expect(openFileDescriptors()).toBe(baseline)
    })

    it('lets a stream in flight finish before the session closes', async () => {
      const mock = await mockProvider({ tokens: 8, chunkDelayMs: 25 })
      const app = await startApp({ session: sessionOptionsFor(mock), client: clientOptionsFor(mock) })
      const caller = createCaller(app.url)
      cleanup.push(() => caller.close())
      const response = await caller.stream()
      expect(response.statusCode).toBe(200)
      const frames = sseData(response.body)
      const first = await frames.next()
      expect(first.done).toBe(false)
      const closing = app.close()
      const rest: string[] = []
      for await (const data of frames) rest.push(data)
      expect(rest.at(-1)).toBe('[DONE]')
      expect(rest.length).toBeGreaterThanOrEqual(8)
      expect(app.session.closed).toBe(false)
      // The caller leaves: its kept-alive connection no longer holds the server open.
      await caller.close()
      await closing
      expect(app.session.closed).toBe(true)
    })

    it('aborts the provider call when the caller disconnects mid-stream, and sends the request id', async () => {
      const mock = await mockProvider({ tokens: 200, chunkDelayMs: 20 })
      const app = await startApp({ session: sessionOptionsFor(mock), client: clientOptionsFor(mock) })
      cleanup.push(() => app.close())
      const caller = createCaller(app.url)
      cleanup.push(() => caller.close())
      const controller = new AbortController()
      const response = await caller.stream(controller.signal)
      const frames = sseData(response.body)
      expect((await frames.next()).done).toBe(false)
      controller.abort()
      await mock.waitFor('aborted', 1)
      expect(mock.stats().aborted).toBe(1)
      expect(mock.stats().responses).toBe(0)
      expect(mock.requests().at(-1)?.headers['x-request-id']).toBeTruthy()
    })
  })
}
