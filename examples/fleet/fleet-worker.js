// One instance of a fleet: its own session and client, `concurrency` calls in flight to the model
// group `chat` for `durationMs`, limits shared through Redis when `redisPort` is given (else this
// process's own). Started with fork() by the fleet demo and the fleet test; reports over IPC.
import { once } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import { createClient, createSession, getCallInfo, LlmError, RateLimitError } from '@llm-session/core'
import { createRedisLimitStore } from '@llm-session/redis'
import { Redis } from 'ioredis'

const config = JSON.parse(process.argv[2])
const warnings = []
const notices = []
let redis
let store
if (config.redisPort !== undefined) {
  // No offline queue: while Redis is down a command fails at once and the store fails over.
  redis = new Redis(config.redisPort, '127.0.0.1', {
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 1,
    retryStrategy: () => 50,
  })
  redis.on('error', () => {})
  await once(redis, 'ready')
  store = createRedisLimitStore({
    redis,
    fleetSize: config.fleetSize,
    latencyBudgetMs: config.latencyBudgetMs ?? 50,
    probeIntervalMs: 100,
    logger: {
      warn: (_fields, message) => warnings.push(message),
      info: (_fields, message) => notices.push(message),
    },
  })
}
const session = createSession({ connections: config.concurrency })
const llm = createClient({
  session,
  retries: 0,
  timeout: config.timeoutMs,
  telemetry: false,
  deployments: {
    // One deployment by default; the fleet test gives two to fail one of them mid-run.
    chat: (config.deployments ?? [{ id: 'primary', baseUrl: config.baseUrl, limits: config.limits }]).map(
      ({ id, baseUrl, limits }) => ({
        id,
        model: 'openai/gpt-4o-mini',
        baseUrl,
        apiKey: 'fleet-key',
        // Tells the provider which instance sent a request (the fleet test counts them per instance).
        headers: { 'x-fleet-instance': String(config.instance) },
        limits,
      }),
    ),
  },
  routing: { store, cooldown: config.cooldown },
})

const counts = {
  started: 0,
  ended: 0,
  answered: 0,
  tokens: 0,
  limitedBeforeSending: 0,
  cooldownRefusals: 0,
  providerRateLimited: 0,
  otherTyped: 0,
  untyped: 0,
  pastDeadline: 0,
}
const errorCodes = {}
const byDeployment = {}
let slowestMs = 0

async function lane(end) {
  while (performance.now() < end) {
    const started = performance.now()
    counts.started++
    let backoffMs = 0
    try {
      const result = await llm.completion({
        model: 'chat',
        messages: [{ role: 'user', content: `fleet call ${counts.started} answer briefly` }],
        max_tokens: 16,
      })
      counts.answered++
      counts.tokens += result.usage?.total_tokens ?? 0
      const deployment = getCallInfo(result)?.deployment
      byDeployment[deployment] = (byDeployment[deployment] ?? 0) + 1
    } catch (error) {
      if (error instanceof RateLimitError && error.status === 429) counts.providerRateLimited++
      else if (error instanceof RateLimitError) {
        counts.limitedBeforeSending++
        if (error.type === 'cooldown') counts.cooldownRefusals++
      } else if (error instanceof LlmError) counts.otherTyped++
      else counts.untyped++
      const code = error?.code ?? String(error)
      errorCodes[code] = (errorCodes[code] ?? 0) + 1
      // What an app does with a refused call: answer its caller 429 and let it come back later.
      backoffMs = error instanceof RateLimitError ? Math.min(error.retryAfterMs ?? 100, 1_000) : 50
    } finally {
      counts.ended++
      const took = performance.now() - started
      slowestMs = Math.max(slowestMs, took)
      if (took > config.timeoutMs + 250) counts.pastDeadline++
    }
    if (backoffMs > 0) await sleep(backoffMs)
  }
}

process.send({ type: 'ready' })
await once(process, 'message')
const startedAt = performance.now()
await Promise.all(Array.from({ length: config.concurrency }, () => lane(startedAt + config.durationMs)))
const elapsedMs = performance.now() - startedAt
process.send({
  type: 'report',
  instance: config.instance,
  elapsedMs,
  counts,
  errorCodes,
  byDeployment,
  slowestMs,
  warnings,
  notices,
  store: store?.stats(),
})
await llm.close()
await session.close()
store?.close()
redis?.disconnect()
process.disconnect()
