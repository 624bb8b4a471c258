import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type CompletionRequest,
  ConnectionError,
  createBindingRuntime,
  createClient,
  createSession,
  InvalidArgumentError,
  isAbortError,
  type LlmClient,
  type LlmSession,
  ProxyError,
} from '../../packages/core/src/index.js'
import type { LoopbackServer } from '../helpers/loopback-server.js'
import {
  attackerFigures,
  credentialsIn,
  type ProviderHost,
  planted,
  spellingsOf,
  startAttackerHost,
  startProviderHost,
} from './support/attacker-hosts.js'
import { writeFigures } from './support/scale.js'

// What an HTTP caller can send, as a route that trusted its body would pass it on. Each row must be
// refused before any I/O, or reach only the configured provider with only the configured key.

const messages = [{ role: 'user' as const, content: 'hello' }]
let provider: ProviderHost
let attacker: LoopbackServer
let session: LlmSession
let llm: LlmClient
const savedEnv = { ...process.env }

beforeAll(async () => {
  provider = await startProviderHost()
  attacker = await startAttackerHost()
  session = createSession({ name: 'attacker-core' })
  // Keys the app never configured, in the environment as they often are on a server.
  process.env.ANTHROPIC_API_KEY = planted.anthropicKey
  process.env.GEMINI_API_KEY = planted.geminiKey
  llm = createClient({
    session,
    retries: 0,
    providers: { openai: { apiKey: planted.openaiKey, baseUrl: `${provider.url}/v1` } },
    headers: { 'x-gateway-token': planted.gatewayToken },
  })
})
afterAll(async () => {
  process.env = savedEnv
  await session.close()
  await provider.close()
  await attacker.close()
  writeFigures('attacker-core', attackerFigures)
})

async function errorOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run()
  } catch (error) {
    return error
  }
  return undefined
}

/** Counts a hostile input as handled when `check` holds for what came back. */
async function attempt(check: () => Promise<boolean>, ssrf = false): Promise<boolean> {
  attackerFigures.hostileInputsTried++
  if (ssrf) attackerFigures.ssrfAttempts++
  const handled = await check()
  if (handled) attackerFigures.hostileInputsHandled++
  if (handled && ssrf) attackerFigures.ssrfRefused++
  return handled
}

const refusedBeforeIo = (field: string, request: Partial<CompletionRequest>, ssrf = false) =>
  attempt(async () => {
    const before = { attacker: attacker.requests.length, provider: provider.requests.length }
    const error = await errorOf(() =>
      llm.completion({ model: 'openai/gpt-4o-mini', messages, ...request } as CompletionRequest),
    )
    return (
      error instanceof InvalidArgumentError &&
      error.field === field &&
      attacker.requests.length === before.attacker &&
      provider.requests.length === before.provider
    )
  }, ssrf)

/** A call refused on its baseUrl before the attacker host saw a request: an SSRF row. */
const baseUrlRefused = (run: () => Promise<unknown>) =>
  attempt(async () => {
    const before = attacker.requests.length
    const error = await errorOf(run)
    return (
      error instanceof InvalidArgumentError &&
      error.field === 'baseUrl' &&
      attacker.requests.length === before
    )
  }, true)

describe('attacker: where a key can go', () => {
  it('a per-call baseUrl in any spelling of another host never receives the configured key', async () => {
    const refused: boolean[] = []
    for (const baseUrl of [...spellingsOf(attacker.port), 'http://169.254.169.254/latest/meta-data'])
      refused.push(await refusedBeforeIo('baseUrl', { baseUrl }, true))
    expect(refused.every(Boolean)).toBe(true)
    expect(attacker.connections).toBe(0)
  })

  it("a key bound with with() (a tenant's) never goes to a per-call baseUrl either", async () => {
    const tenant = llm.with({ apiKey: planted.callerKey })
    const handled = await baseUrlRefused(() =>
      tenant.completion({ model: 'openai/gpt-4o-mini', messages, baseUrl: `${attacker.url}/v1` }),
    )
    expect(handled).toBe(true)
  })

  it('a Vertex OAuth token never goes to a per-call baseUrl, even with a key of the call', async () => {
    const vertex = createClient({
      session,
      providers: { vertex: { project: 'p', getAccessToken: () => `ya29.${planted.gatewayToken}` } },
    })
    const handled = await baseUrlRefused(() =>
      vertex.completion({
        model: 'vertex/gemini-2.5-flash',
        messages,
        baseUrl: `${attacker.url}/v1`,
        apiKey: planted.callerKey,
      }),
    )
    expect(handled).toBe(true)
  })

  it('the same host spelled another way is still the configured origin, and gets the key once', async () => {
    const before = provider.requests.length
    await llm.completion({
      model: 'openai/gpt-4o-mini',
      messages,
      baseUrl: `http://2130706433:${provider.port}/v1`,
    })
    const sent = provider.requests.slice(before)
    expect(sent).toHaveLength(1)
    expect(sent[0]!.headers.authorization).toBe(`Bearer ${planted.openaiKey}`)
  })

  it("a call with its own key may choose its host, and only the caller's key goes there", async () => {
    const handled = await attempt(async () => {
      await llm.completion({
        model: 'openai/gpt-4o-mini',
        messages,
        baseUrl: `${attacker.url}/v1`,
        apiKey: planted.callerKey,
      })
      const [request] = attacker.requests.splice(0)
      return (
        request !== undefined &&
        JSON.stringify(credentialsIn(request)) === JSON.stringify([`Bearer ${planted.callerKey}`])
      )
    })
    expect(handled).toBe(true)
  })

  it("a request naming another provider never picks up that provider's env key", async () => {
    const rows = [
      'anthropic/claude-sonnet-4-5',
      'gemini/gemini-2.5-flash',
      'vertex/gemini-2.5-flash',
      'groq/x',
    ]
    const handled: boolean[] = []
    for (const model of rows) handled.push(await refusedBeforeIo('model', { model }))
    expect(handled.every(Boolean)).toBe(true)
  })

  it('header tricks: a caller Authorization never replaces the key, and the key is sent once', async () => {
    const before = provider.requests.length
    await llm.completion({
      model: 'openai/gpt-4o-mini',
      messages,
      headers: { Authorization: 'Bearer attacker', AUTHORIZATION: 'Bearer attacker-2' },
    })
    const request = provider.requests[before]!
    const handled = await attempt(async () => request.headers.authorization === `Bearer ${planted.openaiKey}`)
    expect(handled).toBe(true)
  })

  it('model ids that would rewrite the URL are refused before any I/O', async () => {
    const gemini = createClient({
      session,
      retries: 0,
      providers: { gemini: { apiKey: planted.geminiKey, baseUrl: provider.url } },
    })
    const rows = [
      'gemini/../../v1/files',
      'gemini/models/../../x',
      'gemini/x?key=1',
      'gemini/x#frag',
      'gemini/x%2f..%2fy',
      'gemini/x y',
      'gemini/x\r\nHost: attacker',
      'gemini/tunedModels/a/b',
    ]
    const before = provider.requests.length
    const handled: boolean[] = []
    for (const model of rows)
      handled.push(
        await attempt(async () => {
          const error = await errorOf(() => gemini.completion({ model, messages }))
          return error instanceof InvalidArgumentError && error.field === 'model'
        }),
      )
    expect(handled.every(Boolean)).toBe(true)
    expect(provider.requests.length).toBe(before)
  })

  it('a polluted Object.prototype cannot redirect a key, nor add one, nor set options', async () => {
    const proto = Object.prototype as Record<string, unknown>
    const before = { provider: provider.requests.length, attacker: attacker.requests.length }
    proto.baseUrl = `${attacker.url}/v1`
    proto.apiKey = 'sk-polluted'
    proto.retries = 10
    try {
      const handled = await attempt(async () => {
        await llm.completion({ model: 'openai/gpt-4o-mini', messages })
        const fresh = createClient({
          session,
          providers: { openai: { apiKey: planted.openaiKey, baseUrl: `${provider.url}/v1` } },
        })
        await fresh.completion({ model: 'openai/gpt-4o-mini', messages })
        const sent = provider.requests.slice(before.provider)
        return (
          attacker.requests.length === before.attacker &&
          sent.length === 2 &&
          sent.every((request) => request.headers.authorization === `Bearer ${planted.openaiKey}`)
        )
      })
      expect(handled).toBe(true)
    } finally {
      delete proto.baseUrl
      delete proto.apiKey
      delete proto.retries
    }
  })
})

describe('attacker: options a developer mistyped or an app polluted', () => {
  it("a polluted Object.prototype.client cannot configure a binding's client", async () => {
    const proto = Object.prototype as Record<string, unknown>
    proto.client = { providers: { openai: { apiKey: 'sk-polluted', baseUrl: `${attacker.url}/v1` } } }
    try {
      const runtime = createBindingRuntime({ session }, { framework: 'express' })
      const handled = await attempt(async () => JSON.stringify(runtime.client).includes('"providers":[]'))
      await runtime.close()
      expect(handled).toBe(true)
    } finally {
      delete proto.client
    }
  })

  it('unknown and misspelled options are refused, naming the field', async () => {
    const rows: Array<[string, () => unknown]> = [
      ['apikey', () => createClient({ apikey: 'x' } as never)],
      ['maxRetries', () => createClient({ maxRetries: 0 } as never)],
      ['providers.openai.apikey', () => createClient({ providers: { openai: { apikey: 'x' } } as never })],
      [
        'providers.openai.base_url',
        () => createClient({ providers: { openai: { base_url: 'http://x' } } as never }),
      ],
      ['timeout', () => createClient({ timeout: 2 ** 31 })],
      ['idleTimeout', () => createClient({ idleTimeout: 2 ** 40 })],
      ['allowedBaseUrls[0]', () => createClient({ allowedBaseUrls: ['ftp://x'] })],
      ['allowedProviders[0]', () => createClient({ allowedProviders: ['nope'] })],
      ['apikey', () => llm.with({ apikey: 'x' } as never)],
    ]
    const handled: boolean[] = []
    for (const [field, run] of rows)
      handled.push(
        await attempt(async () => {
          const error = await errorOf(async () => run())
          return error instanceof InvalidArgumentError && error.field === field
        }),
      )
    const timeout = await errorOf(() =>
      llm.completion({ model: 'openai/gpt-4o-mini', messages, timeout: 2 ** 31 }),
    )
    handled.push(
      await attempt(async () => timeout instanceof InvalidArgumentError && timeout.field === 'timeout'),
    )
    expect(handled).toEqual(handled.map(() => true))
  })

  it('NODE_TLS_REJECT_UNAUTHORIZED=0 gets the insecure-TLS warning', async () => {
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'
    const warnings: string[] = []
    const logger = {
      debug() {},
      info() {},
      error() {},
      warn: (_fields: unknown, message?: string) => warnings.push(String(message)),
    }
    try {
      const insecure = createSession({ logger })
      await insecure.close()
    } finally {
      delete process.env.NODE_TLS_REJECT_UNAUTHORIZED
    }
    expect(
      await attempt(async () => warnings.some((line) => /NODE_TLS_REJECT_UNAUTHORIZED=0/.test(line))),
    ).toBe(true)
  })
})

describe('attacker: a proxy that refuses', () => {
  let proxy: Server
  beforeAll(async () => {
    proxy = createServer()
    proxy.on('connect', (_request, socket) => {
      socket.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n')
    })
    proxy.listen(0, '127.0.0.1')
    await once(proxy, 'listening')
  })
  afterAll(async () => {
    proxy.close()
    await once(proxy, 'close')
  })

  it('a 407 is a ProxyError (a ConnectionError), never an abort, without the proxy password', async () => {
    const { port } = proxy.address() as AddressInfo
    const proxied = createSession({ proxy: `http://user:proxy-secret-1234@127.0.0.1:${port}` })
    const client = createClient({
      session: proxied,
      retries: 0,
      providers: { openai: { apiKey: planted.openaiKey, baseUrl: 'https://api.example.test/v1' } },
    })
    const error = await errorOf(() => client.completion({ model: 'openai/gpt-4o-mini', messages }))
    await proxied.close()
    const handled = await attempt(
      async () =>
        error instanceof ProxyError &&
        error instanceof ConnectionError &&
        !isAbortError(error) &&
        !JSON.stringify([String(error), (error as Error).stack]).includes('proxy-secret-1234'),
    )
    expect(handled).toBe(true)
  })
})
