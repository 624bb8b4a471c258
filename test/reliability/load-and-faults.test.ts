import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createClient,
  createSession,
  type LlmClient,
  LlmError,
  type LlmSession,
} from '../../packages/core/src/index.js'
import {
  assertNoLeaks,
  listOpenFileDescriptors,
  MOCK_AWS_CREDENTIALS,
  type MockProvider,
  startMockProvider,
} from '../../packages/testing/src/index.js'
import { faultCases, runCall } from './support/fault-plan.js'
import { createSettleTracker, runPool, watchProcess } from './support/process-watch.js'
import { fullScale, writeFigures } from './support/scale.js'

// 10,000 completions at concurrency 200 through one session over TLS, 2% of them faulted.
const requests = fullScale ? 10_000 : 2_000
const concurrency = 200
const connectionLimit = 64
const faultEvery = 50 // 2%
const apiKey = 'sk-reliability-load-0123456789abcdef'

let mock: MockProvider
beforeAll(async () => {
  mock = await startMockProvider({ tls: true })
})
afterAll(() => mock.close())

describe(`load: ${requests} calls at concurrency ${concurrency} with 2% faults`, () => {
  it('answers or fails every call with its typed error, within the connection limit, and leaves nothing behind', async () => {
    const watch = watchProcess()
    const baselineFds = listOpenFileDescriptors()
    // The session's own socket count, from undici's connect events as its debug log reports them.
    let peakSessionSockets = 0
    const onLog = (fields: unknown, message?: string) => {
      const open = (fields as { open?: unknown }).open
      if (message === 'socket opened' && typeof open === 'number')
        peakSessionSockets = Math.max(peakSessionSockets, open)
    }
    const logger = { debug: onLog, info: onLog, warn: onLog, error: onLog }
    const session: LlmSession = createSession({ connections: connectionLimit, tls: { ca: mock.ca }, logger })
    const client: LlmClient = createClient({
      session,
      providers: {
        openai: { apiKey, baseUrl: `${mock.url}/v1` },
        anthropic: { apiKey, baseUrl: mock.url },
        bedrock: { region: 'us-east-1', baseUrl: mock.url, credentials: MOCK_AWS_CREDENTIALS },
      },
    })
    const tracker = createSettleTracker()
    const wrong: string[] = []
    let answered = 0
    let faultsInjected = 0
    let faultsSurvived = 0
    const byFault: Record<string, { injected: number; survived: number }> = {}

    try {
      await runPool(requests, concurrency, async (index) => {
        const text = `ping ${index}`
        if (index % faultEvery === faultEvery / 2) {
          const fault = faultCases[faultsInjected++ % faultCases.length]!
          const entry = byFault[fault.name] ?? { injected: 0, survived: 0 }
          byFault[fault.name] = entry
          entry.injected++
          const outcome = await tracker.track(
            runCall(client, {
              text,
              stream: fault.stream,
              provider: fault.provider,
              headers: { 'x-mock-fault': fault.fault, 'x-mock-fault-id': `load-${index}` },
              retries: fault.retries,
              timeout: fault.timeout,
            }),
          )
          const survived =
            fault.expected === 'success'
              ? outcome.ok && outcome.value === text
              : !outcome.ok && outcome.error instanceof fault.expected
          if (survived) {
            faultsSurvived++
            entry.survived++
          } else
            wrong.push(
              `${fault.name}: ${outcome.ok ? `answered "${outcome.value}"` : `${(outcome.error as Error)?.name}: ${(outcome.error as Error)?.message}`}`,
            )
          return
        }
        const provider = index % 10 === 3 ? 'anthropic' : index % 10 === 7 ? 'bedrock' : 'openai'
        const outcome = await tracker.track(runCall(client, { text, stream: index % 4 === 1, provider }))
        if (outcome.ok && outcome.value === text) answered++
        else if (!outcome.ok && outcome.error instanceof LlmError)
          wrong.push(`plain call failed: ${outcome.error.name}`)
        else wrong.push(`plain call: ${outcome.ok ? `answered "${outcome.value}"` : String(outcome.error)}`)
      })
      await tracker.allSettled()
    } finally {
      await session.close()
    }
    await assertNoLeaks({ baselineFds, mock, timeoutMs: 5000 })
    watch.stop()

    const stats = mock.stats()
    writeFigures('load-and-faults', {
      requests,
      concurrency,
      connectionLimit,
      answered,
      faultsInjected,
      faultsSurvived,
      byFault,
      peakConnections: peakSessionSockets,
      peakConnectionsSeenByMock: stats.peakOpenConnections,
      connectionsLeft: stats.openConnections,
      sessionSocketsLeft: session.stats().socketsOpen,
      unhandledRejections: watch.unhandledRejections.length,
      leakWarnings: watch.leakWarnings.length,
    })
    expect(wrong).toEqual([])
    expect(tracker.started).toBe(requests)
    expect(tracker.settled).toBe(requests)
    expect(answered).toBe(requests - faultsInjected)
    expect(faultsInjected).toBe(requests / faultEvery)
    expect(faultsSurvived).toBe(faultsInjected)
    expect(stats.faults).toBeGreaterThanOrEqual(faultsInjected)
    expect(peakSessionSockets).toBeGreaterThan(1)
    expect(peakSessionSockets).toBeLessThanOrEqual(connectionLimit)
    // Every connection the mock accepted is one the session opened…
    expect(stats.connections).toBe(session.stats().socketsOpened)
    // …and the mock sees at most the limit, plus sockets the client already destroyed (a call that
    // failed) whose close has not reached the server yet when the replacement connects.
    expect(stats.peakOpenConnections).toBeLessThanOrEqual(connectionLimit + session.stats().errors)
    expect(stats.openConnections).toBe(0)
    expect(session.stats()).toMatchObject({ inFlight: 0, socketsOpen: 0 })
    expect(watch.unhandledRejections).toEqual([])
    expect(watch.leakWarnings).toEqual([])
  })
})
