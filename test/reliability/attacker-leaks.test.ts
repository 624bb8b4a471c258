import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type ChatStream,
  createClient,
  createSession,
  type LlmClient,
  type LlmSession,
  mapLlmErrorToHttp,
  RedirectError,
  ResponseParseError,
  TimeoutError,
} from '../../packages/core/src/index.js'
import type { Answer, ProviderHost } from './support/attacker-hosts.js'
import { attackerFigures, planted, startProviderHost } from './support/attacker-hosts.js'
import { writeFigures } from './support/scale.js'
import { createSecretScanner } from './support/secret-scan.js'

// A provider (or something posing as one) that echoes the secrets it was sent, in every wire
// format and escaping, inside HTTP errors and inside 200 streams. Nothing of it may reach an error,
// a log line, JSON/inspect output or the bytes a browser gets.

const messages = [{ role: 'user' as const, content: 'hello' }]
const secrets = {
  openaiKey: planted.openaiKey,
  anthropicKey: planted.anthropicKey,
  geminiKey: planted.geminiKey,
  gatewayToken: planted.gatewayToken,
}
let host: ProviderHost
let session: LlmSession
let llm: LlmClient
const logLines: string[] = []
const logger = {
  debug: (fields: unknown, message?: string) => logLines.push(`${message} ${JSON.stringify(fields)}`),
  info: (fields: unknown, message?: string) => logLines.push(`${message} ${JSON.stringify(fields)}`),
  warn: (fields: unknown, message?: string) => logLines.push(`${message} ${JSON.stringify(fields)}`),
  error: (fields: unknown, message?: string) => logLines.push(`${message} ${JSON.stringify(fields)}`),
}

beforeAll(async () => {
  host = await startProviderHost()
  session = createSession({ name: 'attacker-leaks', logger })
  llm = createClient({
    session,
    retries: 0,
    logger,
    headers: { 'x-gateway-token': planted.gatewayToken },
    providers: {
      openai: { apiKey: planted.openaiKey, baseUrl: `${host.url}/v1` },
      anthropic: { apiKey: planted.anthropicKey, baseUrl: host.url },
      gemini: { apiKey: planted.geminiKey, baseUrl: host.url },
      ollama: { apiKey: planted.openaiKey, baseUrl: host.url },
    },
  })
})
afterAll(async () => {
  await session.close()
  await host.close()
  writeFigures('attacker-leaks', attackerFigures)
})

/** Everything the request carried that looks like a credential, as a provider would echo it. */
const echoOf = (headers: Record<string, unknown>) =>
  [headers.authorization, headers['x-api-key'], headers['x-goog-api-key'], headers['x-gateway-token']].join(
    ' ',
  )

const escaped = (text: string) =>
  text.replace(/[a-z]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)

const json =
  (status: number, body: (echo: string) => string): Answer =>
  (request, response) => {
    response.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'req_attack' })
    response.end(body(echoOf(request.headers)))
  }
const stream =
  (type: string, body: (echo: string) => string): Answer =>
  (request, response) => {
    response.writeHead(200, { 'content-type': type })
    response.end(body(echoOf(request.headers)))
  }
const openaiChunk =
  '{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}'

const rows: Array<{ name: string; model: string; stream?: boolean; answer: Answer }> = [
  {
    name: 'key echoed in a 401',
    model: 'openai/gpt-4o-mini',
    answer: json(401, (e) =>
      JSON.stringify({
        error: { message: `Incorrect API key provided: ${e}`, type: 'invalid_request_error' },
      }),
    ),
  },
  {
    name: 'key echoed JSON-escaped',
    model: 'openai/gpt-4o-mini',
    answer: json(400, (e) => `{"error":{"message":"bad ${escaped(e)}","type":"invalid_request_error"}}`),
  },
  {
    name: 'echo with a forged log line',
    model: 'openai/gpt-4o-mini',
    answer: json(500, (e) => JSON.stringify({ error: { message: `boom\n[info] admin logged in ${e}` } })),
  },
  {
    name: 'key in a URL query of the message',
    model: 'anthropic/claude-sonnet-4-5',
    answer: json(403, () =>
      JSON.stringify({
        type: 'error',
        error: {
          type: 'permission_error',
          message: `see https://h/x?alt=sse&key=${planted.geminiKey}&sig=abcdef123`,
        },
      }),
    ),
  },
  {
    name: '200 that is not JSON, quoting the key',
    model: 'gemini/gemini-2.5-flash',
    answer: json(200, (e) => `${e} <html>`),
  },
  {
    name: 'OpenAI error inside a 200 stream',
    model: 'openai/gpt-4o-mini',
    stream: true,
    answer: stream(
      'text/event-stream',
      (e) =>
        `data: ${openaiChunk}\n\ndata: ${JSON.stringify({ error: { message: `key ${e} revoked`, type: 'server_error' } })}\n\n`,
    ),
  },
  {
    name: 'Anthropic error event inside a 200 stream',
    model: 'anthropic/claude-sonnet-4-5',
    stream: true,
    answer: stream(
      'text/event-stream',
      (e) =>
        `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: `over ${escaped(e)}` } })}\n\n`,
    ),
  },
  {
    name: 'Gemini stream event that is not JSON',
    model: 'gemini/gemini-2.5-flash',
    stream: true,
    answer: stream('text/event-stream', (e) => `data: {"oops": ${e}\n\n`),
  },
  {
    name: 'Ollama error line inside a 200 stream',
    model: 'ollama/llama3',
    stream: true,
    answer: stream(
      'application/x-ndjson',
      (e) =>
        `{"model":"m","message":{"role":"assistant","content":"a"},"done":false}\n{"error":"runner for ${e} crashed\\nINFO forged"}\n`,
    ),
  },
]

async function failureOf(
  row: (typeof rows)[number],
): Promise<{ error: unknown; browser: string | undefined }> {
  host.answer = row.answer
  try {
    if (!row.stream) {
      await llm.completion({ model: row.model, messages })
      return { error: undefined, browser: undefined }
    }
    const chat: ChatStream = llm.stream({ model: row.model, messages })
    const browser = await new Response(chat.toSSEStream()).text()
    return { error: await chat.finalCompletion().catch((error: unknown) => error), browser }
  } catch (error) {
    return { error, browser: undefined }
  } finally {
    host.answer = undefined
  }
}

describe('attacker: echoed secrets', () => {
  it('never reach errors, causes, bodies, logs, inspect/JSON output or the browser, in every wire format', async () => {
    const scanner = createSecretScanner(secrets)
    const wrong: string[] = []
    for (const row of rows) {
      attackerFigures.hostileInputsTried++
      const { error, browser } = await failureOf(row)
      if (error === undefined) {
        wrong.push(`${row.name}: no error`)
        continue
      }
      const before = scanner.findings().length
      scanner.add(row.name, error)
      scanner.add(`${row.name} (HTTP answer)`, mapLlmErrorToHttp(error))
      if (browser !== undefined) {
        scanner.addText(`${row.name} (browser)`, browser)
        // The browser gets the fixed mapped body: no upstream message, no base URL.
        if (browser.includes(host.url) || /revoked|over |crashed/.test(browser))
          wrong.push(`${row.name}: upstream text in the browser`)
      }
      const message = (error as Error).message
      if (/[\r\n]/.test(message)) wrong.push(`${row.name}: a line break in the message`)
      if (scanner.findings().length === before && !wrong.some((line) => line.startsWith(row.name)))
        attackerFigures.hostileInputsHandled++
    }
    for (const line of logLines) scanner.addText('logger', line)
    const findings = scanner.findings()
    attackerFigures.surfacesScanned += scanner.surfaces
    attackerFigures.secretsFound += findings.length
    expect(wrong).toEqual([])
    expect(findings).toEqual([])
    expect(scanner.surfaces).toBeGreaterThan(rows.length * 5)
  })
})

describe('attacker: errors that tell the truth', () => {
  it('a 3xx is a RedirectError for every provider, never retried, never followed', async () => {
    const retrying = createClient({
      session,
      retries: 2,
      providers: {
        openai: { apiKey: planted.openaiKey, baseUrl: `${host.url}/v1` },
        anthropic: { apiKey: planted.anthropicKey, baseUrl: host.url },
        gemini: { apiKey: planted.geminiKey, baseUrl: host.url },
      },
    })
    for (const model of ['openai/gpt-4o-mini', 'anthropic/claude-sonnet-4-5', 'gemini/gemini-2.5-flash']) {
      attackerFigures.hostileInputsTried++
      host.answer = (_request, response) => {
        response.writeHead(302, { location: 'http://169.254.169.254/latest' })
        response.end()
      }
      const before = host.requests.length
      const error = await retrying.completion({ model, messages }).catch((caught: unknown) => caught)
      host.answer = undefined
      expect(error, model).toBeInstanceOf(RedirectError)
      expect(host.requests.length - before, model).toBe(1)
      attackerFigures.hostileInputsHandled++
    }
  })

  it('a 2xx body without the provider shape is a ResponseParseError, not an empty answer', async () => {
    for (const model of [
      'openai/gpt-4o-mini',
      'anthropic/claude-sonnet-4-5',
      'gemini/gemini-2.5-flash',
      'ollama/llama3',
    ]) {
      attackerFigures.hostileInputsTried++
      host.answer = json(200, () => '{}')
      const error = await llm.completion({ model, messages }).catch((caught: unknown) => caught)
      host.answer = undefined
      expect(error, model).toBeInstanceOf(ResponseParseError)
      attackerFigures.hostileInputsHandled++
    }
  })

  it("a circular, BigInt or null-format request is the caller's InvalidArgumentError before any I/O", async () => {
    const circular: Record<string, unknown> = {}
    circular.self = circular
    const before = host.requests.length
    const requests = [{ extraBody: circular }, { extraBody: { seed: 1n } }, { response_format: null }]
    for (const extra of requests) {
      attackerFigures.hostileInputsTried++
      const error = await llm
        .completion({ model: 'openai/gpt-4o-mini', messages, ...(extra as object) })
        .catch((caught: unknown) => caught)
      expect(mapLlmErrorToHttp(error)?.status).toBe(400)
      attackerFigures.hostileInputsHandled++
    }
    expect(host.requests.length).toBe(before)
  })
})

describe('attacker: streams that would exhaust the app', () => {
  it('a stream over maxStreamBytes ends in ResponseParseError, events each small', async () => {
    attackerFigures.hostileInputsTried++
    const capped = createClient({
      session,
      retries: 0,
      maxStreamBytes: 64 * 1024,
      providers: { openai: { apiKey: planted.openaiKey, baseUrl: `${host.url}/v1` } },
    })
    host.answer = stream('text/event-stream', () => `data: ${openaiChunk}\n\n`.repeat(2000))
    const error = await capped
      .stream({ model: 'openai/gpt-4o-mini', messages })
      .finalCompletion()
      .catch((caught: unknown) => caught)
    host.answer = undefined
    expect(error).toBeInstanceOf(ResponseParseError)
    expect((error as Error).message).toMatch(/maxStreamBytes/)
    attackerFigures.hostileInputsHandled++
  })

  it('a reader that stops pulling gives its socket back after readerTimeout', async () => {
    attackerFigures.hostileInputsTried++
    const stalled = createClient({
      session,
      retries: 0,
      readerTimeout: 50,
      providers: { openai: { apiKey: planted.openaiKey, baseUrl: `${host.url}/v1` } },
    })
    let closed!: Promise<void>
    host.answer = (_request, response) => {
      closed = new Promise((resolve) => response.once('close', () => resolve()))
      response.writeHead(200, { 'content-type': 'text/event-stream' })
      response.write(`data: ${openaiChunk}\n\n`)
      // Never ends: only the client giving the socket back closes this response.
    }
    const chat = stalled.stream({ model: 'openai/gpt-4o-mini', messages })
    const iterator = chat[Symbol.asyncIterator]()
    await iterator.next()
    await closed
    const next = await iterator.next().catch((caught: unknown) => caught)
    host.answer = undefined
    expect(next).toBeInstanceOf(TimeoutError)
    expect((next as TimeoutError).timeout).toBe('reader')
    attackerFigures.hostileInputsHandled++
  })
})
