import { AsyncLocalStorage } from 'node:async_hooks'
import { Agent, type Dispatcher } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClientWithInternals } from '../packages/core/src/client/create-client.js'
import {
  type CallMiddleware,
  type CallObserver,
  getCallInfo,
  InvalidArgumentError,
  type LlmCall,
  RateLimitError,
} from '../packages/core/src/index.js'
import { type MockProvider, startMockProvider } from '../packages/testing/src/index.js'

let mock: MockProvider
// What each request carried, seen by an undici interceptor on the client's own dispatcher.
const sent: Array<{ origin: string; path: string; headers: Record<string, string>; store: unknown }> = []
const storage = new AsyncLocalStorage<string>()
let agent: Dispatcher

const record: Dispatcher.DispatcherComposeInterceptor = (dispatch) => (options, handler) => {
  const headers: Record<string, string> = {}
  const given = options.headers as Record<string, string> | undefined
  for (const [name, value] of Object.entries(given ?? {})) headers[name.toLowerCase()] = String(value)
  sent.push({ origin: String(options.origin), path: options.path, headers, store: storage.getStore() })
  return dispatch(options, handler)
}

beforeAll(async () => {
  mock = await startMockProvider()
  agent = new Agent().compose(record)
})
afterAll(async () => {
  await agent.close()
  await mock.close()
})

const messages = [{ role: 'user' as const, content: 'hello there' }]

const client = (middleware: CallMiddleware[]) =>
  createClientWithInternals(
    {
      session: agent,
      telemetry: false,
      middleware,
      providers: {
        openai: { apiKey: 'sk-openai-config', baseUrl: `${mock.url}/v1` },
        anthropic: { apiKey: 'sk-ant-config', baseUrl: mock.url },
        ollama: { baseUrl: mock.url },
      },
    },
    { sleep: async () => {}, random: () => 0 },
  )

/** Collects every event a call reports, in order, by name. */
function recorder(): { events: string[]; observer: CallObserver } {
  const events: string[] = []
  return {
    events,
    observer: {
      onAttemptStart: ({ run, attempt, route }) => events.push(`start ${run}.${attempt} ${route.provider}`),
      onAttemptResponse: ({ run, attempt, status }) => events.push(`response ${run}.${attempt} ${status}`),
      onAttemptError: ({ run, attempt, error }) =>
        events.push(`error ${run}.${attempt} ${(error as { code?: string }).code}`),
      onFirstChunk: () => events.push('first chunk'),
      onEnd: ({ result, error, abandoned }) =>
        events.push(`end ${result ? 'result' : ''}${error ? 'error' : ''}${abandoned ? 'abandoned' : ''}`),
    },
  }
}

describe('call middleware', () => {
  it('sees the call before any I/O, with the bound request id', async () => {
    let seen: Partial<LlmCall> & { requestsAtStart?: number } = {}
    const before = mock.stats().requests
    const llm = client([
      (call, next) => {
        seen = {
          operation: call.operation,
          model: call.model,
          requestId: call.requestId,
          route: call.route,
          requestsAtStart: mock.stats().requests - before,
        }
        return next()
      },
    ])
    await llm.with({ headers: { 'x-request-id': 'req-42' } }).completion({ model: 'openai/gpt-4o', messages })
    expect(seen).toEqual({
      operation: 'chat',
      model: 'openai/gpt-4o',
      requestId: 'req-42',
      route: { provider: 'openai', model: 'gpt-4o', baseUrl: `${mock.url}/v1` },
      requestsAtStart: 0,
    })
  })

  it('falls back to another route on a rate limit; the key of the first never travels to the second', async () => {
    const { events, observer } = recorder()
    const fallback: CallMiddleware = async (call, next) => {
      call.observe(observer)
      try {
        return await next()
      } catch (error) {
        if (!(error instanceof RateLimitError)) throw error
        return next({ provider: 'anthropic', model: 'claude-test' })
      }
    }
    sent.length = 0
    const llm = client([fallback])
    const result = await llm.completion({
      model: 'openai/mock-fail-429',
      messages,
      retries: 1,
      apiKey: 'sk-request-only',
    })
    expect(result.choices[0]?.message.content).toBe('hello there')
    expect(getCallInfo(result)).toMatchObject({ provider: 'anthropic', model: 'claude-test', attempts: 1 })
    expect(events).toEqual([
      'start 1.1 openai',
      'response 1.1 429',
      'error 1.1 LLM_RATE_LIMIT',
      'start 1.2 openai',
      'response 1.2 429',
      'error 1.2 LLM_RATE_LIMIT',
      'start 2.1 anthropic',
      'response 2.1 200',
      'end result',
    ])
    expect(sent.map((request) => request.path)).toEqual([
      '/v1/chat/completions',
      '/v1/chat/completions',
      '/v1/messages',
    ])
    expect(sent[0]?.headers.authorization).toBe('Bearer sk-request-only')
    expect(sent[2]?.headers['x-api-key']).toBe('sk-ant-config')
    expect(JSON.stringify(sent[2]?.headers)).not.toContain('sk-request-only')
  })

  it('runs a stream again only before its first chunk, and reports the chunks and the end', async () => {
    const { events, observer } = recorder()
    const llm = client([
      async (call, next) => {
        call.observe(observer)
        try {
          return await next()
        } catch {
          return next({ provider: 'ollama', model: 'llama3' })
        }
      },
    ])
    const stream = llm.stream({ model: 'openai/mock-fail-503', messages, retries: 0 })
    const text: string[] = []
    for await (const chunk of stream) text.push(chunk.choices[0]?.delta.content ?? '')
    expect(text.join('')).toBe('hello there')
    expect(stream.callInfo).toMatchObject({ provider: 'ollama', model: 'llama3' })
    expect(events).toEqual([
      'start 1.1 openai',
      'response 1.1 503',
      'error 1.1 LLM_SERVICE_UNAVAILABLE',
      'start 2.1 ollama',
      'response 2.1 200',
      'first chunk',
      'end result',
    ])
  })

  it('refuses a second run of a stream that already answered', async () => {
    const llm = client([
      async (_call, next) => {
        await next()
        return next({ provider: 'ollama', model: 'llama3' })
      },
    ])
    const stream = llm.stream({ model: 'openai/gpt-4o', messages })
    await expect(stream.finalCompletion()).rejects.toThrow(/only before its first chunk/)
  })

  it('reports an abandoned stream', async () => {
    const { events, observer } = recorder()
    const llm = client([
      (call, next) => {
        call.observe(observer)
        return next()
      },
    ])
    for await (const _chunk of llm.stream({ model: 'openai/gpt-4o', messages })) break
    expect(events.at(-1)).toBe('end abandoned')
  })

  it('waits before the call on its signal: an abort ends the wait and nothing is sent', async () => {
    sent.length = 0
    const controller = new AbortController()
    const llm = client([
      async (call, next) => {
        await new Promise((_resolve, reject) => {
          call.signal.addEventListener('abort', () => reject(call.signal.reason), { once: true })
          controller.abort()
        })
        return next()
      },
    ])
    await expect(
      llm.completion({ model: 'openai/gpt-4o', messages, signal: controller.signal }),
    ).rejects.toMatchObject({
      name: 'AbortError',
    })
    expect(sent).toHaveLength(0)
  })

  it('keeps one deadline across waits and runs: a wait past the total timeout ends with TimeoutError', async () => {
    sent.length = 0
    const llm = client([
      async (call, next) => {
        expect(call.remainingMs()).toBeLessThanOrEqual(50)
        await new Promise((_resolve, reject) =>
          call.signal.addEventListener('abort', () => reject(call.signal.reason), { once: true }),
        )
        return next()
      },
    ])
    await expect(llm.completion({ model: 'openai/gpt-4o', messages, timeout: 50 })).rejects.toMatchObject({
      code: 'LLM_TIMEOUT',
      timeout: 'total',
    })
    expect(sent).toHaveLength(0)
  })

  it('sees the response headers of each attempt (retry-after)', async () => {
    const headers: Array<string | undefined> = []
    const llm = client([
      (call, next) => {
        call.observe({ onAttemptResponse: (event) => headers.push(event.headers['retry-after']) })
        return next()
      },
    ])
    await expect(
      llm.completion({ model: 'openai/mock-fail-429-retry-after-7', messages, retries: 0 }),
    ).rejects.toBeInstanceOf(RateLimitError)
    expect(headers).toEqual(['7'])
  })

  it('runs the inner call inside the context the middleware set', async () => {
    sent.length = 0
    const llm = client([(_call, next) => storage.run('outer-context', next)])
    await llm.completion({ model: 'openai/gpt-4o', messages })
    await llm.embedding({ model: 'openai/text-embedding-3-small', input: 'hi' })
    expect(sent.map((request) => request.store)).toEqual(['outer-context', 'outer-context'])
  })

  it('composes in order, the first outermost, and passes a route down', async () => {
    const order: string[] = []
    const llm = client([
      async (_call, next) => {
        order.push('a in')
        const outcome = await next({ model: 'gpt-4o-mini' })
        order.push('a out')
        return outcome
      },
      async (call, next) => {
        order.push('b in')
        const outcome = await next()
        order.push(`b out ${outcome.route.model} ${call.route.model}`)
        return outcome
      },
    ])
    const result = await llm.completion({ model: 'openai/gpt-4o', messages })
    expect(order).toEqual(['a in', 'b in', 'b out gpt-4o-mini gpt-4o', 'a out'])
    expect(getCallInfo(result)?.model).toBe('gpt-4o-mini')
  })

  it('refuses bad middleware options and routes with a typed error', async () => {
    expect(() => client(['nope' as unknown as CallMiddleware])).toThrow(InvalidArgumentError)
    const llm = client([(_call, next) => next({ provider: 'nowhere' })])
    await expect(llm.completion({ model: 'openai/gpt-4o', messages })).rejects.toMatchObject({
      field: 'route.provider',
    })
  })
})
