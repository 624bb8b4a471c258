// `pnpm bench:profile`: llm-session's JSON and stream load at concurrency 20, each in a contender
// process run with `node --cpu-prof`, summarised as the top self-time functions in
// profile-<BENCH_PROFILE_LABEL>.txt (default "current") next to the other results.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { readBenchConfig } from './bench-config.js'
import { startChild } from './child-ipc.js'
import type { RunPayload } from './contender-process.js'
import type { LoadResult } from './load-loop.js'
import { type CpuProfile, type ProfileSummary, summarizeProfile } from './profile-summary.js'

const config = readBenchConfig()
const label = process.env.BENCH_PROFILE_LABEL || 'current'
if (!/^[\w.-]+$/.test(label))
  throw new Error(`BENCH_PROFILE_LABEL must be a plain file name part, got "${label}"`)
// Set BENCH_PROFILE_DIR to keep the .cpuprofile files (they open in Chrome DevTools).
const keepDir = process.env.BENCH_PROFILE_DIR
const repoRoot = resolve(fileURLToPath(import.meta.url), '..', '..', '..')
const log = (line: string) => process.stderr.write(`${line}\n`)
const measuredMs = 5 * config.roundMs

const scenarios = [
  { id: 'json-c20', title: 'JSON completion, concurrency 20', stream: false },
  {
    id: 'stream-c20',
    title: `Streamed completion (${config.streamTokens} chunks), concurrency 20`,
    stream: true,
  },
]

function render(title: string, run: LoadResult, summary: ProfileSummary): string {
  const lines = [
    `== ${title}: ${run.requests} requests in ${(run.elapsedMs / 1000).toFixed(1)} s measured (${run.requestsPerSecond.toFixed(0)} req/s, ${run.cpuUsPerRequest.toFixed(0)} us CPU/req, ${run.errors} errors) ==`,
    `profile of the measured run only: ${(summary.totalMs / 1000).toFixed(1)} s sampled, ${(summary.idleMs / 1000).toFixed(1)} s of it idle`,
    '',
    'self ms   % total   % busy  function  (file:line)',
  ]
  for (const f of summary.functions)
    lines.push(
      `${f.selfMs.toFixed(0).padStart(7)}  ${f.percentOfTotal.toFixed(1).padStart(7)}  ${f.percentOfBusy.toFixed(1).padStart(7)}  ${f.functionName}${f.location ? `  (${f.location})` : ''}  [${f.area}]`,
    )
  lines.push('', 'by area (self time, % busy):')
  for (const a of summary.areas)
    lines.push(`${a.selfMs.toFixed(0).padStart(7)}  ${a.percentOfBusy.toFixed(1).padStart(7)}  ${a.area}`)
  return lines.join('\n')
}

const profileDir = keepDir ? resolve(keepDir) : mkdtempSync(join(tmpdir(), 'llm-session-profile-'))
mkdirSync(profileDir, { recursive: true })
const mock = startChild('mock-server-process')
const sections: string[] = []
try {
  const info = await mock.call<{ url: string; ca: string }>('info', {
    caFile: join(profileDir, 'mock-ca.pem'),
  })
  for (const scenario of scenarios) {
    await mock.call('configure', { tokens: scenario.stream ? config.streamTokens : 2 })
    const name = `${label}-${scenario.id}.cpuprofile`
    rmSync(join(profileDir, name), { force: true })
    const child = startChild('contender-process', {
      args: ['llm-session'],
      execArgv: ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-name', name],
    })
    let run: LoadResult
    let window: { fromUs: number; toUs: number }
    try {
      await child.call('setup', { ...info, connections: config.connections })
      await child.call('open')
      const payload: RunPayload = { stream: scenario.stream, concurrency: 20, durationMs: config.roundMs }
      await child.call('run', payload)
      log(`  profile ${scenario.id}: warmed up, measuring ${measuredMs} ms`)
      const fromUs = await child.call<number>('clock')
      run = await child.call<LoadResult>('run', { ...payload, durationMs: measuredMs })
      window = { fromUs, toUs: await child.call<number>('clock') }
      await child.call('close')
    } finally {
      // The profile is written when the process exits.
      await child.stop()
    }
    if (!readdirSync(profileDir).includes(name)) throw new Error(`${name} was not written`)
    const profile = JSON.parse(readFileSync(join(profileDir, name), 'utf8')) as CpuProfile
    sections.push(render(scenario.title, run, summarizeProfile(profile, repoRoot, { window })))
  }
} finally {
  await mock.stop()
  if (!keepDir) rmSync(profileDir, { recursive: true, force: true })
}

const commit = spawnSync('git', ['log', '-1', '--format=%h', '--', 'packages'], {
  cwd: repoRoot,
  encoding: 'utf8',
})
const revision = commit.status === 0 ? `, packages/ as of commit ${commit.stdout.trim()}` : ''
const header = [
  `llm-session CPU profile "${label}" (pnpm bench:profile): ${new Date().toISOString()}, Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model.trim()})${revision}`,
  `llm-session (shared session, ${config.connections} sockets) against the TLS mock provider in its own process; node --cpu-prof on the client process.`,
  'Self time per function (name + file:line of the built code), summed over the call tree; % busy leaves out (idle).',
].join('\n')
mkdirSync(config.outDir, { recursive: true })
const file = join(config.outDir, `profile-${label}.txt`)
writeFileSync(file, `${header}\n\n${sections.join('\n\n')}\n`)
console.log(`${header}\n\n${sections.join('\n\n')}`)
log(`wrote ${file}`)
