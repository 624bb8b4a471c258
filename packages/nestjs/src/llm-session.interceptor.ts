import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common'
import type { Observable } from 'rxjs'
import type { Binding } from './binding-options.js'
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
  constructor(@Inject(LLM_SESSION_BINDING) private readonly binding: Binding) {}

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
    const controller = new AbortController()
    response.once('close', () => {
      if (!response.writableFinished) controller.abort()
    })
    const header = request.headers['x-request-id']
    const requestId =
      request.id !== undefined ? String(request.id) : typeof header === 'string' ? header : randomUUID()
    return this.binding.client.with({
      signal: controller.signal,
      headers: { 'x-request-id': requestId },
    }) as LlmClient
  }
}
