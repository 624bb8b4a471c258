import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type CompletionRequest,
  createClient,
  createSession,
  InvalidArgumentError,
  type LlmClient,
  type LlmSession,
  ResponseParseError,
} from '../../packages/core/src/index.js'
import {
  assertNoLeaks,
  listOpenFileDescriptors,
  type MockProvider,
  startMockProvider,
} from '../../packages/testing/src/index.js'
import { type LoopbackServer, startLoopbackServer } from '../helpers/loopback-server.js'
import { writeFigures } from './support/scale.js'

const apiKey = 'sk-reliability-bad-input-0123456789'
const user = [{ role: 'user' as const, content: 'hi' }]
const ok = { model: 'openai/gpt-4o-mini', messages: user }

interface CallerRow {
  input: string
  run: (client: LlmClient) => unknown
  /** The field the error names; the message must contain `message`. */
  field: string
  message: string | RegExp
}

/** The caller's own mistakes: each must throw InvalidArgumentError naming the field, before any I/O. */
const callerRows: CallerRow[] = [
  // session options
  {
    input: 'session options not an object',
    run: () => createSession('fast' as never),
    field: 'options',
    message: 'must be an object',
  },
  {
    input: 'unknown session option',
    run: () => createSession({ conections: 5 } as never),
    field: 'conections',
    message: "unknown session option 'conections'",
  },
  {
    input: 'connections 0',
    run: () => createSession({ connections: 0 }),
    field: 'connections',
    message: 'connections',
  },
  {
    input: 'connections not a number',
    run: () => createSession({ connections: '8' as never }),
    field: 'connections',
    message: 'connections',
  },
  {
    input: 'negative keepAliveTimeout',
    run: () => createSession({ keepAliveTimeout: -1 }),
    field: 'keepAliveTimeout',
    message: 'milliseconds',
  },
  {
    input: 'NaN timeout',
    run: () => createSession({ timeout: Number.NaN }),
    field: 'timeout',
    message: 'milliseconds',
  },
  {
    input: 'tls not an object',
    run: () => createSession({ tls: 'yes' as never }),
    field: 'tls',
    message: 'tls must be an object',
  },
  {
    input: 'tls.ca a number',
    run: () => createSession({ tls: { ca: 42 as never } }),
    field: 'tls.ca',
    message: 'PEM',
  },
  {
    input: 'tls.cert without key',
    run: () => createSession({ tls: { cert: 'pem' } }),
    field: 'tls.key',
    message: 'go together',
  },
  {
    input: 'proxy not a URL',
    run: () => createSession({ proxy: 'not a url' }),
    field: 'proxy',
    message: 'proxy',
  },
  {
    input: 'proxy with ftp:',
    run: () => createSession({ proxy: 'ftp://proxy.example:21' }),
    field: 'proxy',
    message: 'proxy',
  },
  {
    input: 'logger without methods',
    run: () => createSession({ logger: {} as never }),
    field: 'logger',
    message: 'debug()',
  },
  {
    input: 'dispatcher not a Dispatcher',
    run: () => createSession({ dispatcher: {} as never }),
    field: 'dispatcher',
    message: 'Dispatcher',
  },
  {
    input: 'ownsDispatcher without dispatcher',
    run: () => createSession({ ownsDispatcher: true }),
    field: 'ownsDispatcher',
    message: 'needs a dispatcher',
  },
  // client options
  {
    input: 'client options null',
    run: () => createClient(null as never),
    field: 'options',
    message: 'must be an object',
  },
  { input: 'retries -1', run: () => createClient({ retries: -1 }), field: 'retries', message: '>= 0' },
  { input: 'retries 1.5', run: () => createClient({ retries: 1.5 }), field: 'retries', message: 'integer' },
  { input: 'timeout 0', run: () => createClient({ timeout: 0 }), field: 'timeout', message: '>= 1' },
  {
    input: 'maxResponseBytes Infinity',
    run: () => createClient({ maxResponseBytes: Number.POSITIVE_INFINITY }),
    field: 'maxResponseBytes',
    message: 'finite',
  },
  {
    input: 'unknown provider section',
    run: () => createClient({ providers: { opneai: {} } }),
    field: 'providers.opneai',
    message: 'unknown provider "opneai"',
  },
  {
    input: 'provider key with CR/LF',
    run: () => createClient({ providers: { openai: { apiKey: 'sk-a\r\nX-Injected: 1' } } }),
    field: 'providers.openai.apiKey',
    message: 'CR, LF or NUL',
  },
  {
    input: 'provider base URL ftp:',
    run: () => createClient({ providers: { openai: { baseUrl: 'ftp://example.com' } } }),
    field: 'providers.openai.baseUrl',
    message: 'http:// or https://',
  },
  {
    input: 'provider base URL with credentials',
    run: () => createClient({ providers: { openai: { baseUrl: 'https://user:pw@example.com/v1' } } }),
    field: 'providers.openai.baseUrl',
    message: 'credentials',
  },
  {
    input: 'header name with a space',
    run: () => createClient({ headers: { 'x bad': '1' } }),
    field: 'headers.x bad',
    message: 'invalid header name',
  },
  {
    input: 'header value with LF',
    run: () => createClient({ headers: { 'x-tag': 'a\nb' } }),
    field: 'headers.x-tag',
    message: 'CR, LF or NUL',
  },
  {
    input: 'with(null)',
    run: (client) => client.with(null as never),
    field: 'options',
    message: 'options object',
  },
  {
    input: 'with() key with CR',
    run: (client) => client.with({ apiKey: 'sk\rbad' }),
    field: 'apiKey',
    message: 'CR, LF or NUL',
  },
  // requests
  {
    input: 'request not an object',
    run: (client) => client.completion(null as never),
    field: 'request',
    message: 'must be an object',
  },
  {
    input: 'model missing',
    run: (client) => client.completion({ messages: user } as never),
    field: 'model',
    message: 'model is required',
  },
  {
    input: 'model without provider',
    run: (client) => client.completion({ ...ok, model: 'gpt-4o' }),
    field: 'model',
    message: 'provider/model',
  },
  {
    input: 'model with unknown provider',
    run: (client) => client.completion({ ...ok, model: 'opneai/gpt-4o' }),
    field: 'model',
    message: 'unknown provider "opneai"',
  },
  {
    input: 'model with empty name',
    run: (client) => client.completion({ ...ok, model: 'openai/' }),
    field: 'model',
    message: 'provider/model',
  },
  {
    input: 'messages empty',
    run: (client) => client.completion({ ...ok, messages: [] }),
    field: 'messages',
    message: 'non-empty array',
  },
  {
    input: 'messages not an array',
    run: (client) => client.completion({ ...ok, messages: 'hi' as never }),
    field: 'messages',
    message: 'non-empty array',
  },
  {
    input: 'message with unknown role',
    run: (client) => client.completion({ ...ok, messages: [{ role: 'robot', content: 'x' } as never] }),
    field: 'messages[0].role',
    message: 'must be one of',
  },
  {
    input: 'tool message without tool_call_id',
    run: (client) =>
      client.completion({ ...ok, messages: [...user, { role: 'tool', content: '{}' } as never] }),
    field: 'messages[1].tool_call_id',
    message: 'no tool_call_id',
  },
  {
    input: 'content a number',
    run: (client) => client.completion({ ...ok, messages: [{ role: 'user', content: 5 as never }] }),
    field: 'messages[0].content',
    message: 'string or an array',
  },
  {
    input: 'content part without type',
    run: (client) =>
      client.completion({ ...ok, messages: [{ role: 'user', content: [{ text: 'x' } as never] }] }),
    field: 'messages[0].content[0]',
    message: 'with a type',
  },
  {
    input: 'assistant tool_calls with object arguments',
    run: (client) =>
      client.completion({
        ...ok,
        messages: [
          ...user,
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: {} as never } }],
          },
        ],
      }),
    field: 'messages[1].tool_calls[0]',
    message: 'function.arguments (a string)',
  },
  {
    input: 'tools not an array',
    run: (client) => client.completion({ ...ok, tools: {} as never }),
    field: 'tools',
    message: 'tools must be an array',
  },
  {
    input: 'tool without function name',
    run: (client) => client.completion({ ...ok, tools: [{ type: 'function', function: {} } as never] }),
    field: 'tools[0]',
    message: "type:'function'",
  },
  {
    input: 'temperature 3',
    run: (client) => client.completion({ ...ok, temperature: 3 }),
    field: 'temperature',
    message: '<= 2',
  },
  {
    input: 'max_tokens 0',
    run: (client) => client.completion({ ...ok, max_tokens: 0 }),
    field: 'max_tokens',
    message: '>= 1',
  },
  {
    input: 'stop a number',
    run: (client) => client.completion({ ...ok, stop: 5 as never }),
    field: 'stop',
    message: 'string or an array',
  },
  {
    input: 'signal not an AbortSignal',
    run: (client) => client.completion({ ...ok, signal: {} as never }),
    field: 'signal',
    message: 'AbortSignal',
  },
  {
    input: 'request key with CR/LF',
    run: (client) => client.completion({ ...ok, apiKey: 'sk-x\r\nHost: evil' }),
    field: 'apiKey',
    message: 'CR, LF or NUL',
  },
  {
    input: 'request key empty',
    run: (client) => client.completion({ ...ok, apiKey: '' }),
    field: 'apiKey',
    message: 'non-empty string',
  },
  {
    input: 'request base URL javascript:',
    run: (client) => client.completion({ ...ok, baseUrl: 'javascript:alert(1)' }),
    field: 'baseUrl',
    message: 'http:// or https://',
  },
  {
    input: 'request header value with CR',
    run: (client) => client.completion({ ...ok, headers: { 'x-a': 'b\rc' } }),
    field: 'headers.x-a',
    message: 'CR, LF or NUL',
  },
  {
    input: 'stream with bad idleTimeout',
    run: (client) => client.stream({ ...ok, idleTimeout: -5 }),
    field: 'idleTimeout',
    message: '>= 1',
  },
  {
    input: 'embedding input empty array',
    run: (client) => client.embedding({ model: 'openai/text-embedding-3-small', input: [] }),
    field: 'input',
    message: 'non-empty array',
  },
  {
    input: 'embedding on a provider without embeddings',
    run: (client) => client.embedding({ model: 'anthropic/claude-sonnet-4-5', input: 'x' }),
    field: 'model',
    message: 'has no embeddings',
  },
]

async function errorOf(run: () => unknown): Promise<unknown> {
  try {
    const value = run()
    await value
  } catch (error) {
    return error
  }
  return undefined
}

let mock: MockProvider
let server: LoopbackServer
beforeAll(async () => {
  mock = await startMockProvider()
  // Provider bodies the mock has no fault for: HTML instead of JSON, and invalid UTF-8 in a stream.
  server = await startLoopbackServer({
    handler: (request, response) => {
      if (request.url.endsWith('/html/chat/completions')) {
        response.writeHead(200, { 'content-type': 'text/html' })
        response.end('<html><body>Bad gateway</body></html>')
        return
      }
      response.writeHead(200, { 'content-type': 'text/event-stream' })
      const chunk = (content: string | Buffer) =>
        Buffer.concat([
          Buffer.from(
            'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"',
          ),
          Buffer.isBuffer(content) ? content : Buffer.from(content),
          Buffer.from('"},"finish_reason":null}]}\n\n'),
        ])
      response.write(chunk('ok '))
      response.write(chunk(Buffer.from([0xc3, 0x28, 0xff])))
      response.end('data: [DONE]\n\n')
    },
  })
})
afterAll(async () => {
  await mock.close()
  await server.close()
})

describe('bad input', () => {
  let provided = 0
  it(`${callerRows.length} malformed inputs from the caller each get InvalidArgumentError naming the field, before any I/O`, async () => {
    const baselineFds = listOpenFileDescriptors()
    const session: LlmSession = createSession({ name: 'bad-input' })
    const client = createClient({
      session,
      providers: { openai: { apiKey, baseUrl: `${mock.url}/v1` }, anthropic: { apiKey, baseUrl: mock.url } },
    })
    const wrong: string[] = []
    for (const row of callerRows) {
      const error = await errorOf(() => row.run(client))
      if (!(error instanceof InvalidArgumentError)) {
        wrong.push(`${row.input}: got ${error === undefined ? 'no error' : String(error)}`)
        continue
      }
      if (error.field !== row.field) wrong.push(`${row.input}: field ${error.field}, expected ${row.field}`)
      const matches =
        typeof row.message === 'string'
          ? error.message.includes(row.message)
          : row.message.test(error.message)
      if (!matches) wrong.push(`${row.input}: message "${error.message}" lacks ${String(row.message)}`)
    }
    await session.close()
    expect(wrong).toEqual([])
    expect(callerRows.length).toBeGreaterThanOrEqual(40)
    expect(mock.stats().connections).toBe(0)
    expect(session.stats()).toMatchObject({ requests: 0, socketsOpened: 0 })
    await assertNoLeaks({ baselineFds, mock })
  })

  it('bad provider bodies (not JSON, half JSON, oversized) end in ResponseParseError and release the socket', async () => {
    const baselineFds = listOpenFileDescriptors()
    const session = createSession({ name: 'bad-bodies' })
    const client = createClient({
      session,
      retries: 0,
      maxResponseBytes: 64 * 1024,
      providers: { openai: { apiKey } },
      // The rows pick their bad server per call: the developer lists both.
      allowedBaseUrls: [server.url, mock.url],
    })
    const rows: Array<{ input: string; request: CompletionRequest; stream?: boolean; message: string }> = [
      {
        input: 'HTML instead of JSON',
        request: { ...ok, baseUrl: `${server.url}/html` },
        message: 'not JSON',
      },
      {
        input: 'half a JSON body',
        request: { ...ok, baseUrl: `${mock.url}/v1`, headers: { 'x-mock-fault': 'malformed-json' } },
        message: 'not JSON',
      },
      {
        input: 'broken JSON frame in a stream',
        request: { ...ok, baseUrl: `${mock.url}/v1`, headers: { 'x-mock-fault': 'malformed-json' } },
        stream: true,
        message: 'JSON',
      },
      {
        input: 'oversized JSON body',
        request: {
          ...ok,
          baseUrl: `${mock.url}/v1`,
          headers: { 'x-mock-fault': 'oversized', 'x-mock-size': String(1024 * 1024) },
        },
        message: 'larger than 65536 bytes',
      },
    ]
    const wrong: string[] = []
    for (const row of rows) {
      const error = await errorOf(async () => {
        if (!row.stream) return client.completion(row.request)
        for await (const _chunk of client.stream(row.request)) {
        }
      })
      if (!(error instanceof ResponseParseError)) wrong.push(`${row.input}: got ${String(error)}`)
      else if (!error.message.includes(row.message)) wrong.push(`${row.input}: message "${error.message}"`)
      else if (JSON.stringify(error).includes(apiKey) || error.message.includes(apiKey))
        wrong.push(`${row.input}: key leaked`)
    }
    provided = rows.length
    // Invalid UTF-8 costs one character (U+FFFD), as in the official SDKs, not the whole answer.
    const replaced = await client.stream({ ...ok, baseUrl: `${server.url}/utf8` }).finalCompletion()
    expect(replaced.choices[0]?.message.content).toBe('ok \ufffd(\ufffd')
    await session.close()
    expect(wrong).toEqual([])
    expect(session.stats()).toMatchObject({ inFlight: 0, socketsOpen: 0 })
    await assertNoLeaks({ baselineFds, mock })
    await server.allClosed()
    writeFigures('bad-input', {
      badInputs: callerRows.length + provided,
      callerInputs: callerRows.length,
      providerBodies: provided,
      connectionsBeforeValidation: 0,
    })
  })
})
