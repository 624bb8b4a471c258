import { createParamDecorator, type ExecutionContext, Inject } from '@nestjs/common'
import type { LlmClient } from './llm-client.js'
import { type LlmRequestScope, llmRequestScope } from './llm-request-scope.js'
import { LLM_SESSION, REQUEST_CLIENT } from './llm-session.constants.js'

interface PlatformRequest {
  [REQUEST_CLIENT]?: LlmRequestScope
  /** platform-fastify: the Node request the middleware saw. */
  raw?: { [REQUEST_CLIENT]?: LlmRequestScope }
}

/**
 * Injects the app's `LlmSession` (pool, stats).
 * @example
 * constructor(@InjectLlmSession() private readonly session: LlmSession) {}
 */
export const InjectLlmSession = (): ParameterDecorator & PropertyDecorator => Inject(LLM_SESSION)

/**
 * A handler parameter: the request-scoped client (request id to the provider, provider call aborted
 * when the caller disconnects).
 * @example
 * @Post('chat')
 * chat(@Body() body: unknown, @Llm() llm: LlmClient) {
 *   return llm.completion({ model: 'openai/gpt-4o-mini', ...parseUntrustedChatRequest(body) })
 * }
 */
export const Llm = createParamDecorator((_data: unknown, context: ExecutionContext): LlmClient => {
  const request = context.switchToHttp().getRequest<PlatformRequest | undefined>()
  const scope = request?.[REQUEST_CLIENT] ?? request?.raw?.[REQUEST_CLIENT] ?? llmRequestScope.getStore()
  if (scope === undefined)
    throw new Error(
      "@llm-session/nestjs: @Llm() found no request client: import LlmSessionModule.forRoot() in the app, use @Llm() in HTTP handlers, and keep the route in the module's forRoutes and out of its exclude",
    )
  return scope.client()
})
