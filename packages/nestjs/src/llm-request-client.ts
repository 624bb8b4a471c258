import type { LlmClient as CoreLlmClient } from '@llm-session/core'
import { llmRequestScope } from './llm-request-scope.js'

/**
 * The request-bound client, injectable anywhere (services, guards, interceptors, middleware): inside
 * an HTTP request the module covers, each call goes through that request's client (its request id
 * upstream, aborted when the caller disconnects); outside one (jobs, start-up, excluded routes),
 * through the app client, as nestjs-pino's `PinoLogger` falls back to the root logger.
 * @example
 * @Injectable()
 * class ChatService {
 *   constructor(@Inject(LlmRequestClient) private readonly llm: LlmRequestClient) {}
 *   answer(question: string) {
 *     return this.llm.completion({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: question }] })
 *   }
 * }
 */
// A class for the same reason as LlmClient: a runtime token that tsc can write into the metadata.
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the class is only a token; the interface gives it the client's shape.
export class LlmRequestClient {
  constructor() {
    throw new TypeError('LlmRequestClient is an injection token: inject it, do not construct it')
  }
}
export interface LlmRequestClient extends CoreLlmClient {}

/** @internal The object injected as `LlmRequestClient`: forwards to the current request's client. */
export function createRequestBoundClient(appClient: CoreLlmClient): LlmRequestClient {
  const current = (): CoreLlmClient => llmRequestScope.getStore()?.client() ?? appClient
  return new Proxy(appClient, {
    get(_target, key) {
      const client = current()
      const value = Reflect.get(client, key, client)
      return typeof value === 'function' ? value.bind(client) : value
    },
  }) as LlmRequestClient
}
