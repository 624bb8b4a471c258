import { createParamDecorator, type ExecutionContext, Inject } from '@nestjs/common'
import type { LlmClient } from './llm-client.js'
import { LLM_SESSION, REQUEST_CLIENT } from './llm-session.constants.js'

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
  const request = context.switchToHttp().getRequest<{ [REQUEST_CLIENT]?: () => LlmClient }>()
  const client = request[REQUEST_CLIENT]
  if (client === undefined)
    throw new Error('@Llm() needs LlmSessionModule.forRoot() in the app and works in HTTP handlers only')
  return client()
})
