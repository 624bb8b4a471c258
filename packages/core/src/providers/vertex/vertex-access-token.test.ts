import { createVerify, generateKeyPairSync } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { inspect } from 'node:util'
import { Agent, request as undiciRequest } from 'undici'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { AuthenticationError, InvalidArgumentError } from '../../errors/errors.js'
import type { CompletionRequest } from '../../types/request.js'
import type { ProviderCallContext, ProviderHttpRequest, ProviderHttpResponse } from '../provider.js'
import {
  CLOUD_PLATFORM_SCOPE,
  createServiceAccountTokenSource,
} from './create-service-account-token-source.js'
import { vertexProvider } from './vertex-provider.js'

const { privateKey, publicKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
})

interface TokenServer {
  server: Server
  tokenUri: string
  connections: number
  requests: number
  /** Decides the answer; `n` counts token requests from 1. */
  answer: (n: number) => { status: number; body: unknown }
  claims: Array<Record<string, unknown>>
  failures: string[]
}

const token: TokenServer = {
  server: createServer(),
  tokenUri: '',
  connections: 0,
  requests: 0,
  answer: (n) => ({
    status: 200,
    body: { access_token: `token-${n}`, expires_in: 3600, token_type: 'Bearer' },
  }),
  claims: [],
  failures: [],
}

/** Verifies the RS256 JWT like Google's token endpoint does, and records its claims. */
function verifyAssertion(form: URLSearchParams): void {
  if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer')
    token.failures.push('grant_type')
  const [header, payload, signature] = (form.get('assertion') ?? '').split('.')
  const valid = createVerify('RSA-SHA256')
    .update(`${header}.${payload}`)
    .verify(publicKey, Buffer.from(signature ?? '', 'base64url'))
  if (!valid) token.failures.push('signature')
  if (JSON.parse(Buffer.from(header ?? '', 'base64url').toString()).alg !== 'RS256')
    token.failures.push('alg')
  token.claims.push(JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()))
}

beforeAll(async () => {
  token.server.on('connection', () => {
    token.connections++
  })
  token.server.on('request', (request, response) => {
    const parts: Buffer[] = []
    request.on('data', (part: Buffer) => parts.push(part))
    request.on('end', () => {
      token.requests++
      verifyAssertion(new URLSearchParams(Buffer.concat(parts).toString()))
      const { status, body } = token.answer(token.requests)
      response.writeHead(status, { 'content-type': 'application/json' })
      response.end(JSON.stringify(body))
    })
  })
  await new Promise<void>((resolve) => token.server.listen(0, '127.0.0.1', resolve))
  token.tokenUri = `http://127.0.0.1:${(token.server.address() as AddressInfo).port}/token`
})

afterAll(async () => {
  token.server.closeAllConnections()
  await new Promise((resolve) => token.server.close(resolve))
})

beforeEach(() => {
  token.connections = 0
  token.requests = 0
  token.claims = []
  token.failures = []
  token.answer = (n) => ({
    status: 200,
    body: { access_token: `token-${n}`, expires_in: 3600, token_type: 'Bearer' },
  })
})

const credentials = () => ({
  type: 'service_account',
  client_email: `svc-${Math.random().toString(36).slice(2)}@project.iam.gserviceaccount.com`,
  private_key: privateKey,
  private_key_id: 'key-1',
  token_uri: token.tokenUri,
})

/** A `send` on a real undici Agent: the only HTTP client in play, like the session's. */
function createSend(agent: Agent): {
  send: (request: ProviderHttpRequest) => Promise<ProviderHttpResponse>
  calls: () => number
} {
  let calls = 0
  return {
    calls: () => calls,
    async send(request) {
      calls++
      const response = await undiciRequest(request.url, {
        dispatcher: agent,
        method: request.method,
        headers: request.headers,
        body: request.body,
      })
      const text = await response.body.text()
      const headers: Record<string, string> = {}
      for (const [name, value] of Object.entries(response.headers))
        if (typeof value === 'string') headers[name] = value
      return { status: response.statusCode, headers, body: text === '' ? undefined : JSON.parse(text) }
    },
  }
}

const chat: CompletionRequest = {
  model: 'vertex/gemini-2.5-flash',
  messages: [{ role: 'user', content: 'Hi' }],
}

function context(settings: Record<string, unknown>, send: ProviderCallContext['send']): ProviderCallContext {
  return {
    provider: 'vertex',
    model: 'gemini-2.5-flash',
    apiKey: undefined,
    baseUrl: 'https://aiplatform.googleapis.com/v1', // the provider's default, as the client passes it
    headers: {},
    settings,
    send,
    signal: new AbortController().signal,
  }
}

describe('vertex service-account auth over the caller session', () => {
  it('1,000 concurrent first calls make one token request on at most the Agent limit of connections', async () => {
    const agent = new Agent({ connections: 2 })
    try {
      const { send } = createSend(agent)
      const key = credentials()
      const ctx = context({ project: 'my-project', location: 'europe-west4', credentials: key }, send)
      const requests = await Promise.all(
        Array.from({ length: 1000 }, () => vertexProvider.createChatRequest(chat, ctx, { stream: true })),
      )
      expect(token.requests).toBe(1)
      expect(token.connections).toBeLessThanOrEqual(2)
      expect(new Set(requests.map((request) => request.headers.authorization))).toEqual(
        new Set(['Bearer token-1']),
      )
      expect(requests[0]!.url).toBe(
        'https://europe-west4-aiplatform.googleapis.com/v1/projects/my-project/locations/europe-west4/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
      )
      expect(token.failures).toEqual([])
      const [claims] = token.claims
      expect(claims).toMatchObject({
        iss: key.client_email,
        aud: token.tokenUri,
        scope: CLOUD_PLATFORM_SCOPE,
      })
      expect((claims!.exp as number) - (claims!.iat as number)).toBe(3600)
      expect(Math.abs((claims!.iat as number) - Date.now() / 1000)).toBeLessThan(60)
    } finally {
      await agent.close()
    }
  })

  it('refreshes an expiring token once, however many callers wait', async () => {
    const agent = new Agent({ connections: 1 })
    try {
      const { send } = createSend(agent)
      let now = 1_700_000_000_000
      const source = createServiceAccountTokenSource({ credentials: credentials(), now: () => now })
      expect(await source.getAccessToken(send)).toBe('token-1')
      now += 3_550_000 // 50 s before expiry: inside the 60 s refresh margin
      const tokens = await Promise.all(Array.from({ length: 50 }, () => source.getAccessToken(send)))
      expect(new Set(tokens)).toEqual(new Set(['token-2']))
      expect(await source.getAccessToken(send)).toBe('token-2')
      expect(token.requests).toBe(2)
      expect(token.claims[1]!.iat).toBe(Math.floor(now / 1000))
    } finally {
      await agent.close()
    }
  })

  it('a failed refresh rejects every waiter without the assertion; the next call retries', async () => {
    const agent = new Agent({ connections: 1 })
    try {
      const { send } = createSend(agent)
      token.answer = (n) =>
        n === 1
          ? { status: 400, body: { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' } }
          : { status: 200, body: { access_token: `token-${n}`, expires_in: 3600 } }
      const source = createServiceAccountTokenSource({ credentials: credentials() })
      const results = await Promise.allSettled(Array.from({ length: 20 }, () => source.getAccessToken(send)))
      expect(token.requests).toBe(1)
      for (const result of results) {
        expect(result.status).toBe('rejected')
        const error = (result as PromiseRejectedResult).reason
        expect(error).toBeInstanceOf(AuthenticationError)
        expect(error.message).toContain('invalid_grant')
        expect(`${error.message} ${JSON.stringify(error.body)} ${inspect(error)}`).not.toMatch(
          /eyJ|PRIVATE KEY/,
        )
      }
      expect(await source.getAccessToken(send)).toBe('token-2')
    } finally {
      await agent.close()
    }
  })

  it('never shows the private key in inspect or JSON', () => {
    const source = createServiceAccountTokenSource({ credentials: credentials() })
    expect(inspect(source, { showHidden: true, depth: 5 })).not.toContain('PRIVATE KEY')
    expect(JSON.stringify(source)).not.toContain('PRIVATE KEY')
    expect(JSON.stringify(source)).toContain('clientEmail')
  })

  it('uses a caller-supplied getAccessToken and sends nothing itself', async () => {
    let sent = 0
    const ctx = context(
      { project: 'p', location: 'global', getAccessToken: async () => 'user-token' },
      async () => {
        sent++
        return { status: 500, headers: {}, body: undefined }
      },
    )
    const request = await vertexProvider.createChatRequest(chat, ctx, { stream: false })
    expect(request.headers.authorization).toBe('Bearer user-token')
    expect(request.url).toBe(
      'https://aiplatform.googleapis.com/v1/projects/p/locations/global/publishers/google/models/gemini-2.5-flash:generateContent',
    )
    expect(sent).toBe(0)
  })

  it('rejects bad settings with InvalidArgumentError before any I/O', async () => {
    let sent = 0
    const send = async () => {
      sent++
      return { status: 200, headers: {}, body: {} }
    }
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ location: 'us-central1', credentials: credentials() }, 'providers.vertex.project'],
      [{ project: 'p', credentials: '{not json' }, 'providers.vertex.credentials'],
      [{ project: 'p', credentials: { ...credentials(), private_key: 'nope' } }, 'credentials.private_key'],
      [
        { project: 'p', credentials: { ...credentials(), client_email: undefined } },
        'providers.vertex.credentials.client_email',
      ],
    ]
    for (const [settings, field] of cases) {
      const saved = {
        VERTEX_PROJECT: process.env.VERTEX_PROJECT,
        GOOGLE_CLOUD_PROJECT: process.env.GOOGLE_CLOUD_PROJECT,
      }
      delete process.env.VERTEX_PROJECT
      delete process.env.GOOGLE_CLOUD_PROJECT
      try {
        const error = await Promise.resolve()
          .then(() => vertexProvider.createChatRequest(chat, context(settings, send), { stream: false }))
          .catch((caught: unknown) => caught)
        expect(error).toBeInstanceOf(InvalidArgumentError)
        expect((error as InvalidArgumentError).field).toBe(field)
        expect(String((error as Error).message)).not.toContain('PRIVATE KEY')
      } finally {
        Object.assign(
          process.env,
          Object.fromEntries(Object.entries(saved).filter(([, value]) => value !== undefined)),
        )
      }
    }
    expect(sent).toBe(0)
  })
})
