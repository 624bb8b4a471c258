import type { LlmClient as CoreLlmClient } from '@llm-session/core'

/**
 * The app's llm-session client, injectable by its class:
 * `constructor(private readonly llm: LlmClient) {}`. It is the client `createClient()` returns; the
 * class exists so Nest has a runtime token.
 * @example
 * @Injectable()
 * class ChatService {
 *   constructor(@Inject(LlmClient) private readonly llm: LlmClient) {}
 *   answer(question: string) {
 *     return this.llm.completion({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: question }] })
 *   }
 * }
 */
// Not abstract: tsc emits `Function` as the design type of an abstract class, and apps built with
// emitted metadata (nest new) inject by that type.
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the class is only a token; the interface gives it the client's shape.
export class LlmClient {
  constructor() {
    throw new TypeError('LlmClient is an injection token: inject it, do not construct it')
  }
}
export interface LlmClient extends CoreLlmClient {}
