// `pnpm demo`: the mock provider over TLS (or OpenAI with OPENAI_API_KEY), the Fastify example app,
// a burst of concurrent chat requests (JSON and streamed), and a report read from real counters.
import { Agent, request } from 'undici'
import { buildApp, chooseProvider } from './fastify/app.js'
import { startTraceSummary, traceRequested } from './trace-summary.js'

const tracing = traceRequested() ? startTraceSummary() : undefined

let leakWarnings = 0
process.on('warning', (warning) => {
  if (warning.code === 'LLM_SESSION_UNCLOSED') leakWarnings++
})

const provider = await chooseProvider({ tokens: 16, chunkDelayMs: 2 })
const total = provider.mock ? 400 : 10
const limit = 8
const app = await buildApp({
  model: provider.model,
  llm: { session: { ...provider.session, connections: limit }, client: provider.client },
})
tracing?.watch(app.llmSession)
const url = await app.listen({ port: 0, host: '127.0.0.1' })
const caller = new Agent({ connections: 64 })
const sessions = new Set()
const latencies = []
let served = 0
let done = 0

function progress() {
  const width = 30
  const filled = Math.round((done / total) * width)
  process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`)
}

async function one(index) {
  const stream = index % 4 === 0
  const started = performance.now()
  const response = await request(`${url}/chat${stream ? '/stream' : ''}`, {
    method: 'POST',
    dispatcher: caller,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ messages: [{ role: 'user', content: `Request ${index}: say something short.` }] }),
  })
  const text = await response.body.text()
  latencies.push(performance.now() - started)
  sessions.add(response.headers['x-llm-session-id'])
  if (response.statusCode === 200 && (!stream || text.includes('data: [DONE]'))) served++
  done++
  progress()
}

progress()
await Promise.all(Array.from({ length: total }, (_, index) => one(index)))
process.stderr.write('\n')

const connections = provider.mock ? provider.mock.stats().connections : app.llmSession.stats().socketsOpened
await caller.close()
await tracing?.print()
await app.close()
let open = app.llmSession.stats().socketsOpen
if (provider.mock) {
  await provider.mock.waitFor((stats) => stats.openConnections === 0)
  open = provider.mock.stats().openConnections
  await provider.mock.close()
}

const sorted = latencies.sort((a, b) => a - b)
const percentile = (p) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(1)
console.log(`provider: ${provider.name}`)
console.log(`requests served: ${served}`)
console.log(`sessions created: ${sessions.size}`)
console.log(`provider connections: ${connections} (limit ${limit})`)
console.log(`latency ms: p50 ${percentile(50)}, p95 ${percentile(95)}, p99 ${percentile(99)}`)
console.log(`open connections: ${open}`)
console.log(`leak warnings: ${leakWarnings}`)
process.exitCode = served === total && sessions.size === 1 && open === 0 && leakWarnings === 0 ? 0 : 1
