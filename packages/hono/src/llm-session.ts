import { type BindingOptions, createBindingRuntime, type LlmClient, type LlmSession } from '@llm-session/core'
import type { MiddlewareHandler } from 'hono'
import { createMiddleware } from 'hono/factory'

/** Options of `llmSession()`: `{ session?, client?, closeSession? }`. */
export interface LlmSessionOptions extends BindingOptions {}

/** The context variables the middleware sets: `c.var.llm`. */
export interface LlmSessionVariables {
  llm: LlmClient
}

/** The env of apps using the middleware, to type `new Hono<LlmSessionEnv>()`. */
export interface LlmSessionEnv {
  Variables: LlmSessionVariables
}

/** Anything that emits `'close'` once it has stopped, like the server `serve()` returns. */
export interface ClosableServer {
  once(event: 'close', listener: () => void): unknown
}

/** The middleware `llmSession()` returns, with the app's client and session and its lifecycle. */
export interface LlmSessionMiddleware extends MiddlewareHandler<LlmSessionEnv> {
  readonly client: LlmClient
  readonly session: LlmSession
  /** Closes an owned session after `server` has closed, i.e. after in-flight requests finished. */
  attach(server: ClosableServer): LlmSessionMiddleware
  /** Closes an owned session (or a borrowed one with `closeSession: true`). Idempotent. */
  close(): Promise<void>
}

/**
 * Hono 4 middleware: one session for the app, and `c.var.llm` on every request, a client that carries
 * the request id to the provider and aborts the upstream call when the caller disconnects
 * (`c.req.raw.signal`, which @hono/node-server aborts on a premature close).
 * @example
 * const llm = llmSession({ session: { connections: 32 } })
 * const app = new Hono().use(llm)
 * app.post('/chat', async (c) =>
 *   c.json(await c.var.llm.completion({ model, ...parseUntrustedChatRequest(await c.req.json()) })),
 * )
 * llm.attach(serve({ fetch: app.fetch, port: 3000 }))
 */
export function llmSession(options?: LlmSessionOptions): LlmSessionMiddleware {
  const runtime = createBindingRuntime(options, { framework: 'hono' })
  const middleware = createMiddleware<LlmSessionEnv>(async (c, next) => {
    const requestId = readRequestId(c.get('requestId' as never)) ?? c.req.header('x-request-id')
    c.set('llm', runtime.requestClient({ signal: c.req.raw.signal, requestId }))
    await next()
  })
  return Object.assign(middleware, {
    client: runtime.client,
    session: runtime.session,
    attach(server: ClosableServer) {
      server.once('close', () => void runtime.close())
      return middleware as LlmSessionMiddleware
    },
    close: () => runtime.close(),
  })
}

// hono/request-id sets `requestId`; use it when the app has that middleware.
function readRequestId(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}
