// `pnpm bench:telemetry`: CPU per call of a completion with telemetry off, on with no OTel SDK,
// with the API loaded but no SDK, and with a full SDK (batch span processor, metric reader), the
// last also with our telemetry off, to tell the SDK's own cost (its context manager) from ours.
// Each mode runs in its own process, in rounds whose order rotates; ratios are taken per round
// against "off", then the median. BENCH_TELEMETRY_CALLS and BENCH_TELEMETRY_ROUNDS scale it.
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { startChild } from './child-ipc.js'
import type { TelemetryMode, TelemetryRun } from './telemetry-process.js'

const modes: TelemetryMode[] = ['off', 'no-sdk', 'api-no-sdk', 'sdk-batch-off', 'sdk-batch']
const calls = Number(process.env.BENCH_TELEMETRY_CALLS ?? 3000)
const rounds = Number(process.env.BENCH_TELEMETRY_ROUNDS ?? 3)
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

const dir = mkdtempSync(join(tmpdir(), 'llm-session-bench-'))
const mock = startChild('mock-server-process')
try {
  const target = await mock.call<{ url: string; ca: string }>('info', { caFile: join(dir, 'ca.pem') })
  const ratios = new Map<TelemetryMode, number[]>(modes.map((mode) => [mode, []]))
  const cpu = new Map<TelemetryMode, number[]>(modes.map((mode) => [mode, []]))
  for (let round = 0; round < rounds; round++) {
    const order = modes.map((_, index) => modes[(index + round) % modes.length]!)
    const runs = new Map<TelemetryMode, TelemetryRun>()
    for (const mode of order) {
      const child = startChild('telemetry-process')
      try {
        runs.set(mode, await child.call<TelemetryRun>('run', { ...target, mode, calls, concurrency: 16 }))
      } finally {
        await child.stop()
      }
    }
    const off = runs.get('off')!.cpuMicrosPerCall
    for (const [mode, run] of runs) {
      cpu.get(mode)!.push(run.cpuMicrosPerCall)
      ratios.get(mode)!.push(run.cpuMicrosPerCall / off)
    }
    process.stderr.write(`round ${round + 1}/${rounds} done\n`)
  }
  console.log(
    `telemetry overhead: ${calls} completions per run, ${rounds} rounds, load average ${loadavg()[0]!.toFixed(1)}`,
  )
  console.log('mode          CPU µs/call (median)  ratio to off (median of rounds)')
  for (const mode of modes)
    console.log(
      `${mode.padEnd(13)} ${median(cpu.get(mode)!).toFixed(1).padStart(20)}  ${median(ratios.get(mode)!).toFixed(3).padStart(8)}`,
    )
} finally {
  await mock.stop()
  rmSync(dir, { recursive: true, force: true })
}
