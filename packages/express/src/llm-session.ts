import { randomUUID } from 'node:crypto'
import type { LlmClient, LlmSession } from '@llm-session/core'
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import { type BindingOptions, createBinding, validateBindingOptions } from './binding-options.js'

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
  /** Closes an owned session after `server` has closed, i.e. after in-flight requests finished. */
  attach(server: ClosableServer): LlmSessionMiddleware
  /** Closes an owned session (or a borrowed one with `closeSession: true`). Idempotent. */
  close(): Promise<void>
}

/**
 * Express 5 middleware: one session for the app, and on every request `req.llm`, a client that
 * carries the request id to the provider and aborts the upstream call when the caller disconnects.
 * @example
 * const llm = llmSession({ session: { connections: 32 } })
 * app.use(express.json(), llm)
 * app.post('/chat', async (req, res) => res.json(await req.llm.completion(req.body)))
 * llm.attach(app.listen(3000))
 */
export function llmSession(options?: LlmSessionOptions): LlmSessionMiddleware {
  const binding = createBinding(validateBindingOptions(options, 'llmSession()'))

  function middleware(request: Request, response: Response, next: NextFunction): void {
    let scoped: LlmClient | undefined
    // Lazy: a request that never touches req.llm pays for no AbortController or listener.
    Object.defineProperty(request, 'llm', {
      configurable: true,
      enumerable: false,
      get: () => {
        scoped ??= scopeClient(binding.client, request, response)
        return scoped
      },
    })
    next()
  }

  return Object.assign(middleware, {
    client: binding.client,
    session: binding.session,
    attach(server: ClosableServer) {
      server.once('close', () => void binding.close())
      return middleware as LlmSessionMiddleware
    },
    close: () => binding.close(),
  })
}

function scopeClient(client: LlmClient, request: Request, response: Response): LlmClient {
  const controller = new AbortController()
  response.once('close', () => {
    if (!response.writableFinished) controller.abort()
  })
  const requestId = request.get('x-request-id') ?? randomUUID()
  return client.with({ signal: controller.signal, headers: { 'x-request-id': requestId } })
}
