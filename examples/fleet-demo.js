// `pnpm demo:fleet`: one mock provider limiting one key, four app instances (processes, each its
// own session and client, 50 calls in flight) sharing it — with limits shared through a local
// redis-server when one is installed, then with in-memory limits only, for contrast.
import { hasRedisServer, startMockProvider, startRedisServer } from '@llm-session/testing'
import { runFleet, totalOf } from './fleet/run-fleet.js'

const windowMs = 5_000
const limits = { requestsPerMinute: 250, tokensPerMinute: 12_500, windowMs }
const durationMs = Number(process.env.FLEET_DURATION_MS ?? 4_000)
const instances = 4

const mock = await startMockProvider({ rateLimits: limits })
const redis = hasRedisServer() ? await startRedisServer() : undefined
if (redis === undefined)
  console.log(
    'redis-server is not installed, so only the in-memory run follows.\n' +
      'Install it to see limits shared by the fleet: apt-get install redis-server (Debian/Ubuntu), brew install redis (macOS).\n',
  )
console.log(
  `Mock provider at ${mock.url}: ${limits.requestsPerMinute} requests and ${limits.tokensPerMinute} tokens per ${windowMs / 1000} s for one key;` +
    ` ${instances} instances x 50 calls in flight for ${durationMs / 1000} s.\n`,
)

async function run(label, options) {
  mock.reset()
  const reports = await runFleet({
    instances,
    concurrency: 50,
    durationMs,
    timeoutMs: 4_000,
    baseUrl: `${mock.url}/v1`,
    limits,
    ...options,
  })
  const elapsedS = Math.max(...reports.map((report) => report.elapsedMs)) / 1000
  console.log(`${label}`)
  console.log('  instance  answered/s  refused here  cooldown refusals  429s seen  other errors')
  for (const { instance, counts } of reports)
    console.log(
      `  ${String(instance).padStart(8)}  ${(counts.answered / elapsedS).toFixed(1).padStart(10)}  ${String(counts.limitedBeforeSending).padStart(12)}  ${String(counts.cooldownRefusals).padStart(17)}  ${String(counts.providerRateLimited).padStart(9)}  ${String(counts.otherTyped + counts.untyped).padStart(12)}`,
    )
  const total = totalOf(reports)
  const allowed = limits.requestsPerMinute * (1 + elapsedS / (windowMs / 1000))
  console.log(
    `  total: ${(total.answered / elapsedS).toFixed(1)} answered/s, ${((total.answered / allowed) * 100).toFixed(0)}% of what the key allows; ` +
      `the provider answered ${mock.stats().rateLimited} requests with 429\n`,
  )
}

try {
  if (redis !== undefined) await run('Limits shared through Redis:', { redisPort: redis.port })
  await run('In-memory limits only (each instance thinks the key is its own):', {})
} finally {
  await redis?.close()
  await mock.close()
}
