import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type MockProvider, startMockProvider } from '../../packages/testing/src/index.js'
import { runNode } from '../helpers/run-node.js'
import { fullScale, writeFigures } from './support/scale.js'

// Full form only (`pnpm test:reliability`): 100,000 calls in a fresh `node --expose-gc` process
// against the built package, so the heap measured is the client's alone (the mock runs here).
const requests = 100_000
const checkpoint = 10_000

let mock: MockProvider
beforeAll(async () => {
  if (fullScale) mock = await startMockProvider({ tls: true })
})
afterAll(() => mock?.close())

describe.skipIf(!fullScale)('soak', () => {
  it(`${requests} calls: heap after GC at ${requests} is within 10% of the heap at ${checkpoint}`, async () => {
    const run = await runNode(
      `
import { createClient, createSession } from '@llm-session/core'
const session = createSession({ tls: { ca: process.env.MOCK_CA } })
const client = createClient({ session, providers: { openai: { apiKey: 'sk-soak', baseUrl: process.env.MOCK_URL + '/v1' } } })
const heapAfterGc = async () => {
  for (let round = 0; round < 5; round++) { globalThis.gc(); await new Promise((resolve) => setImmediate(resolve)) }
  return process.memoryUsage().heapUsed
}
let next = 0, failed = 0, done = 0
const heaps = {}
async function worker(limit) {
  while (next < limit) {
    const index = next++
    const messages = [{ role: 'user', content: 'soak ' + index }]
    try {
      if (index % 4 === 1) { for await (const _ of client.stream({ model: 'openai/gpt-4o-mini', messages })) {} }
      else await client.completion({ model: 'openai/gpt-4o-mini', messages })
    } catch { failed++ }
    done++
  }
}
const phase = (limit) => Promise.all(Array.from({ length: 200 }, () => worker(limit)))
await phase(${checkpoint})
heaps.checkpoint = await heapAfterGc()
await phase(${requests})
heaps.end = await heapAfterGc()
const stats = session.stats()
await session.close()
console.log(JSON.stringify({ done, failed, heaps, stats }))
`,
      { args: ['--expose-gc'], env: { MOCK_CA: mock.ca, MOCK_URL: mock.url }, timeout: 280_000 },
    )
    expect(run.code, run.stderr).toBe(0)
    const result = JSON.parse(run.stdout) as {
      done: number
      failed: number
      heaps: { checkpoint: number; end: number }
      stats: { socketsOpen: number; inFlight: number }
    }
    const growth = result.heaps.end / result.heaps.checkpoint - 1
    writeFigures('soak', {
      requests: result.done,
      failed: result.failed,
      heapAtCheckpointMiB: +(result.heaps.checkpoint / 2 ** 20).toFixed(1),
      heapAtEndMiB: +(result.heaps.end / 2 ** 20).toFixed(1),
      heapGrowthPercent: +(growth * 100).toFixed(1),
    })
    expect(result.done).toBe(requests)
    expect(result.failed).toBe(0)
    expect(growth).toBeLessThan(0.1)
    expect(run.stderr).not.toContain('LLM_SESSION_UNCLOSED')
    await mock.waitFor((stats) => stats.openConnections === 0)
  }, 300_000)
})
