import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, createSession, LlmError, SessionClosedError } from '../../packages/core/src/index.js'
import {
  assertNoLeaks,
  listOpenFileDescriptors,
  type MockProvider,
  startMockProvider,
} from '../../packages/testing/src/index.js'
import { runCall } from './support/fault-plan.js'
import { createSettleTracker, watchProcess } from './support/process-watch.js'

// The session under the framework bindings: close or destroy it with 200 calls (half streaming) in
// flight. (Per-binding shutdown tests belong with the bindings.)
const calls = 200
const apiKey = 'sk-reliability-shutdown-0123456789'

let mock: MockProvider
beforeAll(async () => {
  mock = await startMockProvider({ tls: true, chunkDelayMs: 5, tokens: 20 })
})
afterAll(() => mock.close())

function start() {
  const session = createSession({ connections: 64, tls: { ca: mock.ca } })
  const client = createClient({ session, providers: { openai: { apiKey, baseUrl: `${mock.url}/v1` } } })
  const tracker = createSettleTracker()
  const outcomes = Array.from({ length: calls }, (_, index) =>
    tracker.track(
      runCall(client, { text: `shutdown ${index}`, stream: index % 2 === 0, provider: 'openai' }),
    ),
  )
  return { session, client, tracker, outcomes }
}

describe(`session shutdown with ${calls} calls in flight`, () => {
  it('close() lets every accepted call finish, refuses new ones with SessionClosedError, then closes every socket', async () => {
    const watch = watchProcess()
    const baselineFds = listOpenFileDescriptors()
    mock.reset()
    const { session, client, tracker, outcomes } = start()
    await mock.waitFor('requests', 64)
    const closing = session.close()
    const late = await runCall(client, { text: 'late', stream: false, provider: 'openai' }).catch(
      (e: unknown) => e,
    )
    await closing
    const results = await Promise.all(outcomes)
    await tracker.allSettled()
    expect(late).toBeInstanceOf(SessionClosedError)
    const failures = results.filter((result) => !result.ok)
    expect(failures.map((failure) => String((failure as { error: unknown }).error))).toEqual([])
    expect(tracker.settled).toBe(calls)
    expect(session.stats()).toMatchObject({ inFlight: 0, socketsOpen: 0 })
    await assertNoLeaks({ baselineFds, mock })
    watch.stop()
    expect(watch.unhandledRejections).toEqual([])
    expect(watch.leakWarnings).toEqual([])
  })

  it('destroy() ends every call at once with a typed error and leaves no socket and no pending promise', async () => {
    const watch = watchProcess()
    const baselineFds = listOpenFileDescriptors()
    mock.reset()
    const { session, tracker, outcomes } = start()
    await mock.waitFor('requests', 64)
    await session.destroy()
    const results = await Promise.all(outcomes)
    await tracker.allSettled()
    const failures = results
      .filter((result) => !result.ok)
      .map((result) => (result as { error: unknown }).error)
    expect(failures.length).toBeGreaterThan(0)
    expect(failures.filter((error) => !(error instanceof LlmError)).map(String)).toEqual([])
    expect(failures.every((error) => error instanceof SessionClosedError)).toBe(true)
    expect(tracker.settled).toBe(calls)
    await assertNoLeaks({ baselineFds, mock })
    watch.stop()
    expect(watch.unhandledRejections).toEqual([])
  })
})
