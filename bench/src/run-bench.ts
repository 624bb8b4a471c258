// `pnpm bench`: one orchestrated run on this machine. Prints tables of ratios and PASS/MISS per
// target, and writes results.json and chart.svg (BENCH_OUT, default bench/results).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { readBenchConfig } from './bench-config.js'
import { startChild } from './child-ipc.js'
import type { ParserRun } from './parser-process.js'
import { renderChart } from './report-svg.js'
import {
  formatFrameworks,
  formatHeap,
  formatLoadScenario,
  formatParser,
  formatTargets,
} from './report-table.js'
import { type FrameworkFigures, runFrameworkScenario } from './run-framework-scenario.js'
import { type HeapFigures, runHeapScenario } from './run-heap-scenario.js'
import {
  type LoadScenarioResult,
  loadScenarios,
  type MockHandle,
  runLoadScenario,
} from './run-load-scenarios.js'
import type { SoakResult } from './soak-process.js'
import { checkTargets, type ParserFigures } from './targets.js'

const config = readBenchConfig()
const started = Date.now()
const log = (line: string) => process.stderr.write(`${line}\n`)
/** Wall time of each part of the run, in seconds (results.json meta.sectionSeconds). */
const sectionSeconds: Record<string, number> = {}
async function timed<T>(id: string, part: () => Promise<T>): Promise<T> {
  const begin = Date.now()
  try {
    return await part()
  } finally {
    sectionSeconds[id] = Math.round((Date.now() - begin) / 100) / 10
    log(`  ${id}: ${sectionSeconds[id]} s`)
  }
}
const wanted = (id: string) => config.only === undefined || config.only.includes(id)
const packageDir = resolve(fileURLToPath(import.meta.url), '..', '..')
const versionOf = (name: string): string =>
  JSON.parse(readFileSync(join(packageDir, 'node_modules', name, 'package.json'), 'utf8')).version

async function runParser(): Promise<ParserFigures> {
  const child = startChild('parser-process')
  try {
    const runs: ParserRun[] = []
    const reps = config.scale >= 1 ? 3 : 1
    const eighth = Math.max(1024, Math.round(config.eventBytes / 8))
    for (const [eventBytes, pieceBytes] of [
      [config.eventBytes, 64 * 1024],
      [config.eventBytes, 1],
      [eighth, 1],
    ] as const)
      runs.push(await child.call<ParserRun>('run', { eventBytes, pieceBytes, reps }))
    return {
      runs,
      tinyToLargePieceRatio: runs[1]!.nsPerByte / runs[0]!.nsPerByte,
      linearityRatio: runs[1]!.nsPerByte / runs[2]!.nsPerByte,
    }
  } finally {
    await child.stop()
  }
}

async function runSoak(mock: MockHandle): Promise<SoakResult> {
  await mock.child.call('configure', { tokens: 2 })
  const child = startChild('soak-process', { execArgv: ['--expose-gc'] })
  try {
    return await child.call<SoakResult>('run', {
      url: mock.target.url,
      ca: mock.target.ca,
      requests: config.soakRequests,
      concurrency: 20,
    })
  } finally {
    await child.stop()
  }
}

const tempDir = mkdtempSync(join(tmpdir(), 'llm-session-bench-'))
const mockChild = startChild('mock-server-process')
try {
  const caFile = join(tempDir, 'mock-ca.pem')
  const info = await mockChild.call<{ url: string; ca: string }>('info', { caFile })
  const mock: MockHandle = { child: mockChild, caFile, target: { ...info, connections: config.connections } }
  log(`mock provider at ${info.url}; ${config.rounds} rounds of ${config.roundMs} ms per contender`)

  const scenarios: LoadScenarioResult[] = []
  for (const scenario of loadScenarios) {
    if (!wanted(scenario.id)) continue
    const result = await timed(scenario.id, () => runLoadScenario(scenario, mock, config, log))
    scenarios.push(result)
    console.log(`${formatLoadScenario(result)}\n`)
  }
  let parser: ParserFigures | undefined
  if (wanted('parser')) {
    parser = await timed('parser', runParser)
    console.log(`${formatParser(parser)}\n`)
  }
  let soak: SoakResult | undefined
  if (wanted('soak')) {
    log(`  soak: ${config.soakRequests} requests on one session`)
    soak = await timed('soak', () => runSoak(mock))
    console.log(
      `== ${soak.requests} requests on one session (concurrency 20) ==\n` +
        `heap after GC: ${soak.heapAtTenthMb.toFixed(2)} MB at 10%, ${soak.heapAtEndMb.toFixed(2)} MB at the end ` +
        `(${soak.heapRatio.toFixed(3)}x); ${soak.errors} errors; session ${JSON.stringify(soak.sessionStats)}\n`,
    )
  }
  let frameworks: FrameworkFigures[] = []
  if (wanted('frameworks')) {
    frameworks = await timed('frameworks', () => runFrameworkScenario(mock, config, log))
    console.log(`${formatFrameworks(frameworks)}\n`)
  }
  let heap: HeapFigures | undefined
  if (wanted('heap-c200')) {
    heap = await timed('heap-c200', () => runHeapScenario(config, log))
    console.log(`${formatHeap(heap)}\n`)
  }
  const targets = checkTargets(scenarios, config.connections, parser, soak, frameworks, heap)
  console.log(formatTargets(targets))

  const cpu = cpus()
  const meta = {
    date: new Date().toISOString(),
    durationSeconds: Math.round((Date.now() - started) / 1000),
    sectionSeconds,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpu.length,
    cpuModel: cpu[0]?.model.trim(),
    config: { ...config, outDir: undefined },
    versions: Object.fromEntries(
      ['undici', 'openai', 'ai', '@ai-sdk/openai', '@llm-session/core'].map((name) => [
        name,
        versionOf(name),
      ]),
    ),
  }
  mkdirSync(config.outDir, { recursive: true })
  writeFileSync(
    join(config.outDir, 'results.json'),
    `${JSON.stringify({ meta, scenarios, parser, soak, frameworks, heap, targets }, null, 2)}\n`,
  )
  const subtitle = `${meta.date.slice(0, 10)}, Node ${meta.node}, ${meta.cpus} CPUs (${meta.cpuModel}), medians of ${config.rounds} rounds, TLS mock provider in its own process`
  writeFileSync(join(config.outDir, 'chart.svg'), renderChart(scenarios, subtitle))
  log(`wrote results.json and chart.svg to ${config.outDir} in ${meta.durationSeconds} s`)
} finally {
  await mockChild.stop()
  rmSync(tempDir, { recursive: true, force: true })
}
