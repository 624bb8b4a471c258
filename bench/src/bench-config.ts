import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Counts and durations, from environment variables so CI can run a tiny version. */
export interface BenchConfig {
  /** Multiplies every duration and count (BENCH_SCALE, default 1). */
  scale: number
  /** Measured rounds per scenario; each contender runs once per round (BENCH_ROUNDS, default 4). */
  rounds: number
  /** Length of one contender's measured turn (BENCH_ROUND_MS, default 1000 × scale). */
  roundMs: number
  /** Unmeasured turn before each measured one, to open and grow the pool (half a round). */
  warmupMs: number
  /** Requests of the one-session soak (BENCH_SOAK_REQUESTS, default 100 000 × scale). */
  soakRequests: number
  /** Size of the one large SSE event (BENCH_EVENT_BYTES, default 1 MiB). */
  eventBytes: number
  /** Chunks per streamed answer (BENCH_STREAM_TOKENS, default 300). */
  streamTokens: number
  /** Sockets per origin for every shared pool, the session's default (64). */
  connections: number
  /** Where results.json and chart.svg go (BENCH_OUT, default bench/results). */
  outDir: string
  /** Comma-separated scenario ids to run (BENCH_ONLY), default all. */
  only: string[] | undefined
}

function numberFromEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || value < min)
    throw new Error(`${name} must be a number >= ${min}, got "${raw}"`)
  return value
}

export function readBenchConfig(): BenchConfig {
  const scale = numberFromEnv('BENCH_SCALE', 1, 0.001)
  const roundMs = Math.round(numberFromEnv('BENCH_ROUND_MS', 1000 * scale, 10))
  const packageDir = resolve(fileURLToPath(import.meta.url), '..', '..')
  return {
    scale,
    rounds: Math.round(numberFromEnv('BENCH_ROUNDS', 4, 1)),
    roundMs,
    warmupMs: Math.max(30, Math.round(roundMs / 2)),
    soakRequests: Math.max(100, Math.round(numberFromEnv('BENCH_SOAK_REQUESTS', 100_000 * scale, 100))),
    eventBytes: Math.round(numberFromEnv('BENCH_EVENT_BYTES', 1024 * 1024, 1024)),
    streamTokens: Math.round(numberFromEnv('BENCH_STREAM_TOKENS', 300, 1)),
    connections: 64,
    outDir: resolve(process.env.BENCH_OUT ?? resolve(packageDir, 'results')),
    only: process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',').map((s) => s.trim()) : undefined,
  }
}
