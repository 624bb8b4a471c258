import { type BindingOptions, createBindingRuntime, type LlmClient, type LlmSession } from '@llm-session/core'
import type { NextFunction, Request, RequestHandler, Response } from 'express'

/** Options of `llmSession()`: `{ session?, client?, closeSession? }`. */
export interface LlmSessionOptions extends BindingOptions {}

/** Anything that emits `'close'` once it has stopped, like `http.Server`. */
export interface ClosableServer {
  once(event: 'close', listener: () => void): unknown
}

/** The middleware `llmSession()` returns, with the app's client and session and its lifecycle. */
export interface LlmSessionMiddleware extends RequestHandler {
  /** The app client, for code outside a request (jobs, start-up checks). */
  readonly client: LlmClient
  readonly session: LlmSession
  /**
   * Closes an owned session after `server` has closed, i.e. after in-flight requests finished.
   * Returns `server`, so `const server = llm.attach(app.listen(3000))` keeps the server to close.
   */
  attach<Server extends ClosableServer>(server: Server): Server
  /** Closes an owned session (or a borrowed one with `closeSession: true`). Idempotent. */
  close(): Promise<void>
}

/**
 * Express 5 middleware: one session for the app, and on every request `req.llm`, a client that
 * carries the request id to the provider and aborts the upstream call when the caller disconnects.
 * @example
 * const llm = llmSession({ session: { connections: 32 } })
 * app.use(express.json(), llm)
 * app.post('/chat', async (req, res) =>
 *   res.json(await req.llm.completion({ model: 'openai/gpt-4o-mini', ...parseUntrustedChatRequest(req.body) })),
 * )
 * const server = llm.attach(app.listen(3000))
 * process.once('SIGTERM', () => server.close()) // then the session closes
 */
export function llmSession(options?: LlmSessionOptions): LlmSessionMiddleware
export function llmSession(options?: LlmSessionOptions, ...misuse: unknown[]): LlmSessionMiddleware {
  // Express calls a middleware with (req, res, next): `app.use(llmSession)` lands here.
  if (misuse.length > 0)
    throw new TypeError(
      '@llm-session/express: llmSession is a factory: write app.use(llmSession()) (or const llm = llmSession(options); app.use(llm)), not app.use(llmSession)',
    )
  const runtime = createBindingRuntime(options, { framework: 'express' })

  function middleware(request: Request, response: Response, next: NextFunction): void {
    let scoped: LlmClient | undefined
    // Lazy: a request that never touches req.llm pays for no client.
    Object.defineProperty(request, 'llm', {
      configurable: true,
      enumerable: false,
      get: () => {
        scoped ??= runtime.requestClient({
          response,
          requestId: request.get('x-request-id'),
        })
        return scoped
      },
    })
    next()
  }

  return Object.assign(middleware, {
    client: runtime.client,
    session: runtime.session,
    attach<Server extends ClosableServer>(server: Server): Server {
      server.once('close', () => void runtime.close())
      return server
    },
    close: () => runtime.close(),
  })
}
