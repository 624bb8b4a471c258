// 100 000 requests on one session (run with --expose-gc): heap after GC at 10% and at 100%.
import { createClient, createSession } from '@llm-session/core'
import { serveCalls } from './child-ipc.js'
import { runClosedLoop } from './load-loop.js'

export interface SoakResult {
  requests: number
  errors: number
  heapAtTenthMb: number
  heapAtEndMb: number
  heapRatio: number
  requestsPerSecond: number
  sessionStats: unknown
}

const gc = (globalThis as { gc?: () => void }).gc
const heapAfterGcMb = () => {
  if (gc === undefined) throw new Error('run with --expose-gc')
  for (let i = 0; i < 3; i++) gc()
  return process.memoryUsage().heapUsed / 1024 / 1024
}

serveCalls({
  run: async (payload: { url: string; ca: string; requests: number; concurrency: number }) => {
    const session = createSession({ tls: { ca: payload.ca } })
    const llm = createClient({
      session,
      providers: { openai: { apiKey: 'sk-bench', baseUrl: `${payload.url}/v1` } },
    })
    const request = {
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user' as const, content: 'Hello there' }],
    }
    const call = async () => {
      await llm.completion(request)
    }
    const tenth = Math.round(payload.requests / 10)
    const options = { concurrency: payload.concurrency, durationMs: Number.POSITIVE_INFINITY }
    const first = await runClosedLoop(call, { ...options, maxRequests: tenth })
    const heapAtTenthMb = heapAfterGcMb()
    const rest = await runClosedLoop(call, { ...options, maxRequests: payload.requests - tenth })
    const heapAtEndMb = heapAfterGcMb()
    const sessionStats = session.stats()
    await session.close()
    return {
      requests: first.requests + rest.requests,
      errors: first.errors + rest.errors,
      heapAtTenthMb,
      heapAtEndMb,
      heapRatio: heapAtEndMb / heapAtTenthMb,
      requestsPerSecond: rest.requestsPerSecond,
      sessionStats,
    } satisfies SoakResult
  },
})
