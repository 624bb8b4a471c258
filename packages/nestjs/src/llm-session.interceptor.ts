import type { IncomingMessage, ServerResponse } from 'node:http'
import { type BindingRuntime, createResponseCloseSignal } from '@llm-session/core'
import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common'
import type { Observable } from 'rxjs'
import type { LlmClient } from './llm-client.js'
import { LLM_SESSION_BINDING, REQUEST_CLIENT } from './llm-session.constants.js'

interface PlatformRequest {
  /** Fastify's request id and raw message; absent on Express. */
  id?: string | number
  raw?: IncomingMessage
  headers: IncomingMessage['headers']
  [REQUEST_CLIENT]?: () => LlmClient
}

/**
 * Leaves a lazy request-scoped client on each HTTP request for `@Llm()`: it carries the request id
 * and aborts the provider call when the caller disconnects. Works on platform-express (Node request
 * and response) and platform-fastify (request and reply with `.raw`).
 */
@Injectable()
export class LlmSessionInterceptor implements NestInterceptor {
  constructor(@Inject(LLM_SESSION_BINDING) private readonly runtime: BindingRuntime) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const http = context.switchToHttp()
      const request = http.getRequest<PlatformRequest>()
      const response = http.getResponse<{ raw?: ServerResponse } & ServerResponse>()
      let scoped: LlmClient | undefined
      request[REQUEST_CLIENT] = () => {
        scoped ??= this.scope(request, response.raw ?? response)
        return scoped
      }
    }
    return next.handle()
  }

  private scope(request: PlatformRequest, response: ServerResponse): LlmClient {
    const header = request.headers['x-request-id']
    return this.runtime.requestClient({
      signal: createResponseCloseSignal(response),
      requestId:
        request.id !== undefined ? String(request.id) : typeof header === 'string' ? header : undefined,
    }) as LlmClient
  }
}
