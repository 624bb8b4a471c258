import { performance } from 'node:perf_hooks'

/** What one closed-loop run measured in the client process. */
export interface LoadResult {
  requests: number
  errors: number
  firstError: string | undefined
  elapsedMs: number
  requestsPerSecond: number
  p50Ms: number
  p99Ms: number
  /** User + system CPU of the whole client process per request, in microseconds. */
  cpuUsPerRequest: number
  /** Peak resident set size of the client process so far, in MB. */
  peakRssMb: number
}

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[index]!
}

export function median(values: number[]): number {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b)
  if (finite.length === 0) return Number.NaN
  const mid = finite.length >> 1
  return finite.length % 2 === 1 ? finite[mid]! : (finite[mid - 1]! + finite[mid]!) / 2
}

/**
 * Runs `call` from `concurrency` loops until `durationMs` has passed (or `maxRequests` were
 * started), each loop starting its next call when the previous one ends.
 */
export async function runClosedLoop(
  call: () => Promise<void>,
  options: { concurrency: number; durationMs: number; maxRequests?: number },
): Promise<LoadResult> {
  const latencies: number[] = []
  let errors = 0
  let started = 0
  let firstError: string | undefined
  const maxRequests = options.maxRequests ?? Number.POSITIVE_INFINITY
  const cpuBefore = process.cpuUsage()
  const t0 = performance.now()
  const deadline = t0 + options.durationMs
  const loop = async () => {
    while (performance.now() < deadline && started < maxRequests) {
      started++
      const begin = performance.now()
      try {
        await call()
        latencies.push(performance.now() - begin)
      } catch (error) {
        errors++
        firstError ??= error instanceof Error ? `${error.name}: ${error.message}` : String(error)
      }
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, loop))
  const elapsedMs = performance.now() - t0
  const cpu = process.cpuUsage(cpuBefore)
  const requests = latencies.length + errors
  const sorted = Float64Array.from(latencies).sort()
  return {
    requests,
    errors,
    firstError,
    elapsedMs,
    requestsPerSecond: (latencies.length / elapsedMs) * 1000,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    cpuUsPerRequest: requests === 0 ? Number.NaN : (cpu.user + cpu.system) / requests,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  }
}
