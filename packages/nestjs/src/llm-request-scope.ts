import { AsyncLocalStorage } from 'node:async_hooks'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { BindingRuntime } from '@llm-session/core'
import { Inject, Injectable, type NestMiddleware } from '@nestjs/common'
import type { LlmClient } from './llm-client.js'
import { LLM_SESSION_BINDING, REQUEST_CLIENT } from './llm-session.constants.js'

/** What one HTTP request holds: its client, made on first use. */
export interface LlmRequestScope {
  client(): LlmClient
}

/** @internal The request the code runs for, across awaits: services, guards and pipes read it here. */
export const llmRequestScope = new AsyncLocalStorage<LlmRequestScope>()

type ScopedRequest = IncomingMessage & { [REQUEST_CLIENT]?: LlmRequestScope }

/**
 * The module's middleware: gives each request a lazy client that carries the request id (the
 * caller's `x-request-id`, else a random UUID) and aborts the provider call when the caller
 * disconnects, and runs the rest of the request inside it (AsyncLocalStorage), as nestjs-pino does.
 * Nest hands middleware the Node request and response on both platforms.
 */
@Injectable()
export class LlmRequestScopeMiddleware implements NestMiddleware {
  constructor(@Inject(LLM_SESSION_BINDING) private readonly runtime: BindingRuntime) {}

  use(request: ScopedRequest, response: ServerResponse, next: () => void): void {
    let scoped: LlmClient | undefined
    const scope: LlmRequestScope = {
      client: () => {
        const header = request.headers['x-request-id']
        scoped ??= this.runtime.requestClient({
          response,
          requestId: typeof header === 'string' ? header : undefined,
        }) as LlmClient
        return scoped
      },
    }
    // Also on the request: `@Llm()` finds it there even where a library lost the async context.
    request[REQUEST_CLIENT] = scope
    llmRequestScope.run(scope, next)
  }
}
