import { Agent, request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type MockProvider, startMockProvider } from '../../packages/testing/src/index.js'
import { bindingApps } from '../helpers/binding-apps.js'
import { createSettleTracker } from './support/process-watch.js'

// Per binding: 200 requests in flight (half streaming), then the app closes. Every request
// completes (the bindings close the session only after the server has drained), the session closes
// last, and no provider connection is left.
const calls = 200

/** Re-checks `condition` every few ms, failing after 10 s. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met within 10 s')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

let mock: MockProvider
beforeAll(async () => {
  mock = await startMockProvider({ tls: true, tokens: 10, chunkDelayMs: 5 })
})
afterAll(() => mock.close())

describe.each(Object.keys(bindingApps))('%s binding: shutdown under load', (name) => {
  it(`${calls} requests in flight (half streaming) complete, then the session closes, 0 connections left`, async () => {
    mock.reset()
    const app = await bindingApps[name]!({
      session: { connections: 32, tls: { ca: mock.ca } },
      client: { providers: { openai: { baseUrl: `${mock.url}/v1`, apiKey: 'sk-shutdown-test' } } },
    })
    const caller = new Agent({ connections: calls })
    const tracker = createSettleTracker()
    const outcomes = Array.from({ length: calls }, (_, index) =>
      tracker.track(
        (async () => {
          const stream = index % 2 === 0
          const response = await request(`${app.url}/chat${stream ? '/stream' : ''}`, {
            method: 'POST',
            dispatcher: caller,
            headers: { 'content-type': 'application/json', connection: 'close' },
            body: JSON.stringify({ messages: [{ role: 'user', content: `shutdown ${index}` }] }),
          })
          const text = await response.body.text()
          return {
            status: response.statusCode,
            complete: stream ? text.includes('data: [DONE]') : text.includes(`shutdown ${index}`),
          }
        })(),
      ),
    )
    // Close once every request has reached the app (a connection still in the listen backlog when
    // the server stops listening is reset by the kernel, before any binding sees it).
    await until(() => app.session.stats().requests === calls)
    await mock.waitFor('requests', 32)
    const closing = app.close()
    expect(app.session.closed).toBe(false)
    const results = await Promise.all(outcomes)
    await closing
    await caller.close()
    expect(tracker.settled).toBe(calls)
    const bad = results.filter(
      (result) => !result.ok || result.value.status !== 200 || !result.value.complete,
    )
    expect(bad).toEqual([])
    expect(app.session.closed).toBe(true)
    expect(app.session.stats()).toMatchObject({ inFlight: 0, socketsOpen: 0 })
    await mock.waitFor((stats) => stats.openConnections === 0)
  })
})
