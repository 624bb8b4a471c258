#!/usr/bin/env node
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { startMockProvider } from './mock-provider/start-mock-provider.js'

const usage = `Usage: llm-session-mock [--port 4010] [--host 127.0.0.1] [--tls] [--latency-ms N]
       [--time-to-first-token-ms N] [--chunk-delay-ms N] [--tokens N] [--reply TEXT]

Runs a mock LLM provider (OpenAI, Azure, Anthropic, Gemini, Vertex, Ollama wire formats)
until SIGINT or SIGTERM. Trigger faults with a model name such as mock-fail-429.`

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4010' },
      host: { type: 'string', default: '127.0.0.1' },
      tls: { type: 'boolean', default: false },
      'latency-ms': { type: 'string' },
      'time-to-first-token-ms': { type: 'string' },
      'chunk-delay-ms': { type: 'string' },
      tokens: { type: 'string' },
      reply: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  if (values.help) {
    console.log(usage)
    return
  }
  const number = (value: string | undefined) => (value === undefined ? undefined : Number(value))
  const mock = await startMockProvider({
    port: Number(values.port),
    host: values.host,
    tls: values.tls,
    latencyMs: number(values['latency-ms']),
    timeToFirstTokenMs: number(values['time-to-first-token-ms']),
    chunkDelayMs: number(values['chunk-delay-ms']),
    tokens: number(values.tokens),
    reply: values.reply,
  })
  let caDirectory: string | undefined
  console.log(`llm-session mock provider listening on ${mock.url}`)
  if (mock.ca) {
    // Written to a fresh temp dir so a client can be pointed at it (NODE_EXTRA_CA_CERTS); removed on exit.
    caDirectory = mkdtempSync(join(tmpdir(), 'llm-session-mock-'))
    const caPath = join(caDirectory, 'ca.pem')
    writeFileSync(caPath, mock.ca)
    console.log(`CA certificate: ${caPath}`)
  }
  const stop = async () => {
    await mock.close()
    if (caDirectory) rmSync(caDirectory, { recursive: true, force: true })
    process.exit(0)
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error)
  process.exit(1)
})
