import { generateKeyPairSync } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type CompletionRequest,
  ConnectionError,
  createClient,
  createSession,
  getCallInfo,
  type LlmClient,
  ProviderError,
  type SessionLogger,
} from '../../packages/core/src/index.js'
import { type MockProvider, startMockProvider } from '../../packages/testing/src/index.js'
import { type ConnectProxy, startConnectProxy } from '../helpers/connect-proxy.js'
import { type LoopbackServer, startLoopbackServer } from '../helpers/loopback-server.js'
import { runNode } from '../helpers/run-node.js'
import { writeFigures } from './support/scale.js'
import { causeChain, createSecretScanner } from './support/secret-scan.js'

// Planted secrets: distinctive, so any appearance anywhere is a leak.
const openaiKey = 'sk-planted-openai-7f3a9c1e5b2d4f6a8c0e'
const anthropicKey = 'sk-ant-planted-anthropic-2b4d6f8a0c1e3a5c'
const bearerToken = 'tok-planted-bearer-9e8d7c6b5a4f3e2d1c'
const proxyPassword = 'planted-proxy-pass-4c3b2a1f'
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
const pemLines = privateKeyPem.trim().split('\n')
const clientEmail = 'reliability@planted.iam.gserviceaccount.com'
const awsKey = {
  accessKeyId: 'AKIAPLANTEDRELIABILI',
  secretAccessKey: 'planted-aws-secret-access-key-6b5a4c3d2e1f',
  sessionToken: 'planted-aws-session-token-1a2b3c4d5e6f7a8b',
}
const bedrockApiKey = 'ABSKplanted-bedrock-api-key-0f1e2d3c4b5a'
const secrets = {
  awsSecretAccessKey: awsKey.secretAccessKey,
  awsSessionToken: awsKey.sessionToken,
  bedrockApiKey,
  openaiKey,
  anthropicKey,
  bearerToken,
  proxyPassword,
  privateKeyPem,
  privateKeyLine: pemLines[Math.floor(pemLines.length / 2)]!,
}
const user = [{ role: 'user' as const, content: 'hello there' }]

let mock: MockProvider
let proxy: ConnectProxy
let echo: LoopbackServer
let redirectTarget: LoopbackServer
let redirector: LoopbackServer
beforeAll(async () => {
  mock = await startMockProvider({ tls: true, awsCredentials: [awsKey] })
  mock.registerServiceAccount({
    clientEmail,
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  })
  proxy = await startConnectProxy()
  // A provider that echoes the key it was sent in its error, as some gateways do.
  echo = await startLoopbackServer({
    handler: (request, response) => {
      const key = String(request.headers.authorization ?? request.headers['x-api-key'] ?? '').replace(
        /^Bearer /,
        '',
      )
      response.writeHead(401, { 'content-type': 'application/json' })
      response.end(
        JSON.stringify({
          error: {
            message: `Incorrect API key provided: ${key}`,
            type: 'invalid_request_error',
            code: 'invalid_api_key',
          },
        }),
      )
    },
  })
  redirectTarget = await startLoopbackServer({
    handler: (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end('{}')
    },
  })
  redirector = await startLoopbackServer({
    handler: (request, response) => {
      response.writeHead(request.url.includes('/v302') ? 302 : 307, {
        location: `${redirectTarget.url}${request.url}`,
      })
      response.end()
    },
  })
})
afterAll(async () => {
  await Promise.all([mock.close(), proxy.close(), echo.close(), redirectTarget.close(), redirector.close()])
})

function capturingLogger(into: string[]): SessionLogger {
  const write = (object: unknown, message?: string) => into.push(`${message ?? ''} ${JSON.stringify(object)}`)
  return { debug: write, info: write, warn: write, error: write }
}

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  )

describe('secrets', () => {
  it('the scanner finds a planted secret that leaks into a cause, a PEM re-wrapped, or inspect output (control)', () => {
    const scanner = createSecretScanner(secrets)
    scanner.add(
      'leaky error',
      new Error('failed', { cause: { headers: { authorization: `Bearer ${bearerToken}` } } }),
    )
    scanner.add('re-wrapped key', { key: pemLines.join('\r\n') })
    scanner.add(
      'hidden field',
      Object.defineProperty({}, 'password', { value: proxyPassword, enumerable: false }),
    )
    expect(scanner.findings()).toEqual(
      expect.arrayContaining([
        'bearerToken in leaky error cause 1',
        'privateKeyLine in re-wrapped key',
        'proxyPassword in hidden field',
      ]),
    )
  })

  it('never appear in errors, cause chains, logs, or JSON/inspect of any public object', async () => {
    const scanner = createSecretScanner(secrets)
    const logs: string[] = []
    const logger = capturingLogger(logs)
    const proxyUrl = `http://planted-user:${proxyPassword}@${proxy.url.replace('http://', '')}`
    const session = createSession({ name: 'secrets', tls: { ca: mock.ca }, proxy: proxyUrl, logger })
    const vertexSettings = {
      project: 'planted-project',
      location: 'us-central1',
      baseUrl: `${mock.url}/v1`,
      credentials: {
        type: 'service_account',
        client_email: clientEmail,
        private_key: privateKeyPem,
        private_key_id: 'kid-1',
        token_uri: `${mock.url}/token`,
      },
    }
    const client: LlmClient = createClient({
      session,
      logger,
      providers: {
        openai: { apiKey: openaiKey, baseUrl: `${mock.url}/v1` },
        anthropic: { apiKey: anthropicKey, baseUrl: mock.url },
        vertex: vertexSettings,
        bedrock: { region: 'us-east-1', baseUrl: mock.url, credentials: awsKey },
      },
      // The echoing provider is a host the developer allows calls to point at.
      allowedBaseUrls: [echo.url],
    })
    const bound = client.with({ headers: { 'x-gateway-authorization': `Bearer ${bearerToken}` } })
    scanner.add('session', session)
    scanner.add('client', client)
    scanner.add('bound client', bound)

    // Successes: results, call info and streams, through the proxy with credentials.
    const completion = await bound.completion({ model: 'openai/gpt-4o-mini', messages: user })
    scanner.add('completion', completion)
    scanner.add('call info', getCallInfo(completion))
    const stream = bound.stream({ model: 'anthropic/claude-sonnet-4-5', messages: user })
    scanner.add('stream before reading', stream)
    scanner.add('stream final', await stream.finalCompletion())
    scanner.add('stream after reading', stream)
    scanner.add(
      'vertex completion',
      await client.completion({ model: 'vertex/gemini-2.5-flash', messages: user }),
    )
    scanner.add('embedding', await client.embedding({ model: 'openai/text-embedding-3-small', input: 'x' }))
    expect(mock.lastRequest('vertex.generateContent')?.authHeader).toBe('authorization')
    const bedrock = 'bedrock/us.anthropic.claude-3-5-haiku-20241022-v1:0'
    scanner.add('bedrock completion', await bound.completion({ model: bedrock, messages: user }))
    scanner.add('bedrock stream', await bound.stream({ model: bedrock, messages: user }).finalCompletion())
    const keyed = createClient({
      session,
      providers: { bedrock: { region: 'us-east-1', baseUrl: mock.url, apiKey: bedrockApiKey } },
    })
    scanner.add('bedrock client with an API key', keyed)
    scanner.add('bedrock with an API key', await keyed.completion({ model: bedrock, messages: user }))

    // Failures of every kind.
    const plain = createSession({ logger, tls: { ca: mock.ca } })
    const credentials = vertexSettings.credentials
    const unregistered = createClient({
      session: plain,
      retries: 0,
      providers: {
        vertex: {
          ...vertexSettings,
          credentials: { ...credentials, client_email: 'unknown@planted.iam.gserviceaccount.com' },
        },
      },
    })
    const brokenKeyFile = createClient({
      session: plain,
      providers: { vertex: { ...vertexSettings, credentials: JSON.stringify(credentials).slice(0, -1) } },
    })
    // A wrong secret with the right session token: AWS's mismatch message lists the signed headers.
    const wrongSecret = createClient({
      session: plain,
      retries: 0,
      providers: {
        bedrock: {
          region: 'us-east-1',
          baseUrl: mock.url,
          credentials: { ...awsKey, secretAccessKey: `${awsKey.secretAccessKey}-x` },
        },
      },
    })
    const deadProxy = createSession({ proxy: `http://planted-user:${proxyPassword}@127.0.0.1:1`, logger })
    const openai = (request: Partial<CompletionRequest>): CompletionRequest => ({
      model: 'openai/gpt-4o-mini',
      messages: user,
      ...request,
    })
    const errors: Array<[string, unknown]> = [
      [
        '401 from the provider',
        await failureOf(bound.completion(openai({ retries: 0, headers: { 'x-mock-fault': 'fail-401' } }))),
      ],
      [
        'key echoed by a provider',
        await failureOf(client.completion(openai({ baseUrl: echo.url, session: plain }))),
      ],
      [
        'key echoed in a stream',
        await failureOf(client.stream(openai({ baseUrl: echo.url, session: plain })).finalCompletion()),
      ],
      [
        'reset mid-stream',
        await failureOf(
          bound.stream(openai({ headers: { 'x-mock-fault': 'reset-mid-stream' } })).finalCompletion(),
        ),
      ],
      [
        'stream error event',
        await failureOf(
          bound
            .stream({
              model: 'anthropic/claude-sonnet-4-5',
              messages: user,
              headers: { 'x-mock-fault': 'stream-error' },
            })
            .finalCompletion(),
        ),
      ],
      [
        'total timeout',
        await failureOf(bound.completion(openai({ timeout: 100, headers: { 'x-mock-fault': 'stall' } }))),
      ],
      [
        'service account refused',
        await failureOf(unregistered.completion({ model: 'vertex/gemini-2.5-flash', messages: user })),
      ],
      [
        'broken key file',
        await failureOf(brokenKeyFile.completion({ model: 'vertex/gemini-2.5-flash', messages: user })),
      ],
      [
        'invalid request with a key',
        await failureOf(client.completion(openai({ messages: [], apiKey: openaiKey }))),
      ],
      [
        'bedrock signature refused',
        await failureOf(wrongSecret.completion({ model: 'bedrock/m', messages: user })),
      ],
      [
        'bedrock throttled mid-stream',
        await failureOf(
          bound.stream({ model: 'bedrock/mock-stream-error', messages: user }).finalCompletion(),
        ),
      ],
      ['key with CR/LF', await failureOf(client.completion(openai({ apiKey: `${openaiKey}\r\n` })))],
      ['proxy refused', await failureOf(client.completion(openai({ retries: 0, session: deadProxy })))],
      [
        'bad proxy option',
        await failureOf(Promise.resolve().then(() => createSession({ proxy: `ftp://u:${proxyPassword}@x` }))),
      ],
    ]
    for (const [label, error] of errors) {
      expect(error, label).toBeInstanceOf(Error)
      scanner.add(label, error)
    }
    expect(causeChain(errors.find(([label]) => label === 'proxy refused')?.[1]).length).toBeGreaterThan(1)
    await Promise.all([deadProxy.close(), plain.close(), session.close()])
    scanner.add('session after close', session)
    for (const line of logs) scanner.addText('logger', line)
    expect(logs.some((line) => line.includes('llm request'))).toBe(true)
    expect(logs.some((line) => line.includes('socket opened'))).toBe(true)

    const findings = scanner.findings()
    writeFigures('secrets', {
      secretsPlanted: Object.keys(secrets).length,
      surfacesScanned: scanner.surfaces,
      secretsFound: findings.length,
    })
    expect(findings).toEqual([])
  })

  it('never appear in LLM_SESSION_LOG=debug output on stderr', async () => {
    const run = await runNode(
      `
import { createClient, createSession } from '@llm-session/core'
const env = process.env
const session = createSession({ tls: { ca: env.MOCK_CA }, proxy: env.PROXY_URL })
const client = createClient({ session, providers: { openai: { apiKey: env.PLANTED_KEY, baseUrl: env.MOCK_URL + '/v1' } } })
const messages = [{ role: 'user', content: 'hi' }]
const done = await client.completion({ model: 'openai/gpt-4o-mini', messages, headers: { 'x-gateway-authorization': 'Bearer ' + env.PLANTED_TOKEN } })
const failed = await client.completion({ model: 'openai/gpt-4o-mini', messages, retries: 1, headers: { 'x-mock-fault': 'fail-503' } }).catch((e) => e)
const dead = createSession({ proxy: env.DEAD_PROXY_URL })
const refused = await client.completion({ model: 'openai/gpt-4o-mini', messages, retries: 0, session: dead }).catch((e) => e)
await dead.close()
await session.close()
console.log(JSON.stringify({ done, failed: String(failed), refused: String(refused) }))
`,
      {
        env: {
          LLM_SESSION_LOG: 'debug',
          MOCK_CA: mock.ca,
          MOCK_URL: mock.url,
          PROXY_URL: `http://planted-user:${proxyPassword}@${proxy.url.replace('http://', '')}`,
          DEAD_PROXY_URL: `http://planted-user:${proxyPassword}@127.0.0.1:1`,
          PLANTED_KEY: openaiKey,
          PLANTED_TOKEN: bearerToken,
        },
      },
    )
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toContain('llm-session debug: socket opened')
    expect(run.stdout).toContain('ServiceUnavailableError')
    const scanner = createSecretScanner(secrets)
    scanner.addText('stderr', run.stderr)
    scanner.addText('stdout', run.stdout)
    expect(scanner.findings()).toEqual([])
  })

  it('TLS verification is on by default: a provider with an unknown CA fails with a TLS ConnectionError', async () => {
    const session = createSession()
    const client = createClient({
      session,
      retries: 0,
      providers: { openai: { apiKey: openaiKey, baseUrl: `${mock.url}/v1` } },
    })
    const handshakes = mock.stats().tlsHandshakes
    const error = await failureOf(client.completion({ model: 'openai/gpt-4o-mini', messages: user }))
    await session.close()
    expect(error).toBeInstanceOf(ConnectionError)
    const codes = causeChain(error).map((item) => (item as { code?: unknown }).code)
    expect(codes.some((code) => typeof code === 'string' && /CERT|SIGNATURE|ISSUER/.test(code))).toBe(true)
    expect(mock.stats().tlsHandshakes).toBe(handshakes)
  })

  it.each(['v302', 'v307'])(
    'a %s redirect to another origin is not followed, so the key never reaches it',
    async (path) => {
      const session = createSession()
      const client = createClient({
        session,
        retries: 0,
        providers: { openai: { apiKey: openaiKey, baseUrl: `${redirector.url}/${path}` } },
      })
      const error = await failureOf(client.completion({ model: 'openai/gpt-4o-mini', messages: user }))
      await session.close()
      expect(error).toBeInstanceOf(ProviderError)
      expect((error as ProviderError).status).toBe(path === 'v302' ? 302 : 307)
      expect(
        redirector.requests.some((request) => request.headers.authorization === `Bearer ${openaiKey}`),
      ).toBe(true)
      expect(redirectTarget.requests).toEqual([])
      expect(redirectTarget.connections).toBe(0)
    },
  )
})
