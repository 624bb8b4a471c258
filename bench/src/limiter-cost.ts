// `pnpm bench:limits`: what the fleet limits cost per call, as CPU time in this process.
//   1. the limiter with the in-memory store, alone (acquire + settle, no I/O);
//   2. a completion against the mock with and without a routed deployment (in-memory limits),
//      in interleaved rounds, as a ratio (target: within the noise of no limiter);
//   3. the Redis store's acquire + settle against a local redis-server: CPU per call and Redis
//      round trips per call (EVALSHA count from INFO commandstats).
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createClient, createMemoryLimitStore, createRateLimiter, createSession } from '@llm-session/core'
import { createRedisLimitStore } from '@llm-session/redis'
import { hasRedisServer, startMockProvider, startRedisServer } from '@llm-session/testing'
import { Redis } from 'ioredis'

const rounds = Number(process.env.BENCH_ROUNDS ?? 5)
const callsPerRound = Number(process.env.BENCH_LIMIT_CALLS ?? 2_000)
const limits = { requestsPerMinute: 1e9, tokensPerMinute: 1e12, maxConcurrent: 1_000 }
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0

async function cpuPerCall(calls: number, one: () => Promise<unknown>, lanes = 1): Promise<number> {
  const start = process.cpuUsage()
  let left = calls
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (left-- > 0) await one()
    }),
  )
  const used = process.cpuUsage(start)
  return (used.user + used.system) / calls
}

const limiterCall = (limiter: ReturnType<typeof createRateLimiter>) => async () => {
  const lease = await limiter.acquire({
    key: 'bench',
    limits,
    tokens: 50,
    provider: 'openai',
    deadline: performance.now() + 10_000,
  })
  lease.settle({ outcome: 'success', tokensUsed: 40 })
}

const results: Record<string, unknown> = {}

const memoryLimiter = createRateLimiter({ store: createMemoryLimitStore() })
await cpuPerCall(20_000, limiterCall(memoryLimiter))
results.memoryLimiterMicrosecondsPerCall = median(
  await Promise.all([0, 1, 2].map(() => cpuPerCall(50_000, limiterCall(memoryLimiter)))),
)

const mock = await startMockProvider()
const session = createSession({ connections: 16 })
const messages = [{ role: 'user' as const, content: 'measure the limiter' }]
const plain = createClient({
  session,
  telemetry: false,
  providers: { openai: { baseUrl: `${mock.url}/v1`, apiKey: 'k' } },
})
const routed = createClient({
  session,
  telemetry: false,
  deployments: { chat: [{ model: 'openai/gpt-4o-mini', baseUrl: `${mock.url}/v1`, apiKey: 'k', limits }] },
})
// The same call through a middleware that only calls next(): the extension point's own cost.
const passthrough = createClient({
  session,
  telemetry: false,
  providers: { openai: { baseUrl: `${mock.url}/v1`, apiKey: 'k' } },
  middleware: [(_call, next) => next()],
})
const plainCall = () => plain.completion({ model: 'openai/gpt-4o-mini', messages })
const passthroughCall = () => passthrough.completion({ model: 'openai/gpt-4o-mini', messages })
const routedCall = () => routed.completion({ model: 'chat', messages })
await cpuPerCall(500, plainCall, 8)
await cpuPerCall(500, routedCall, 8)
await cpuPerCall(500, passthroughCall, 8)
const plainRounds: number[] = []
const routedRounds: number[] = []
const passthroughRounds: number[] = []
for (let round = 0; round < rounds; round++) {
  plainRounds.push(await cpuPerCall(callsPerRound, plainCall, 8))
  passthroughRounds.push(await cpuPerCall(callsPerRound, passthroughCall, 8))
  routedRounds.push(await cpuPerCall(callsPerRound, routedCall, 8))
}
const ratio = (rows: number[]) => median(rows.map((value, index) => value / (plainRounds[index] ?? value)))
results.completionMicrosecondsPerCall = {
  plain: median(plainRounds),
  passthroughMiddleware: median(passthroughRounds),
  routedWithLimits: median(routedRounds),
}
results.completionCpuRatio = {
  passthroughMiddleware: ratio(passthroughRounds),
  routedWithLimits: ratio(routedRounds),
}
await Promise.all([plain.close(), routed.close(), passthrough.close()])
await session.close()
await mock.close()

if (hasRedisServer()) {
  const server = await startRedisServer()
  const redis = new Redis(server.port, '127.0.0.1')
  const admin = new Redis(server.port, '127.0.0.1')
  const store = createRedisLimitStore({ redis, latencyBudgetMs: 1_000 })
  const limiter = createRateLimiter({ store })
  await cpuPerCall(2_000, limiterCall(limiter))
  const evalshaCalls = async () =>
    Number(/cmdstat_evalsha:calls=(\d+)/.exec(await admin.info('commandstats'))?.[1] ?? 0)
  const before = await evalshaCalls()
  const redisRounds: number[] = []
  for (let round = 0; round < 3; round++) redisRounds.push(await cpuPerCall(10_000, limiterCall(limiter)))
  results.redisMicrosecondsPerCall = median(redisRounds)
  results.redisRoundTripsPerCall = ((await evalshaCalls()) - before) / 30_000
  store.close()
  redis.disconnect()
  admin.disconnect()
  await server.close()
} else results.redis = 'redis-server not installed: skipped'

console.log(JSON.stringify(results, null, 2))
const outDir = process.env.BENCH_OUT ?? join(import.meta.dirname, '..', 'results')
mkdirSync(outDir, { recursive: true })
writeFileSync(
  join(outDir, 'limiter-cost.json'),
  `${JSON.stringify({ ...results, node: process.version }, null, 2)}\n`,
)
