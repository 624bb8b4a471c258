import type { LlmClient as CoreLlmClient } from '@llm-session/core'

/**
 * The app's llm-session client, injectable by its class:
 * `constructor(private readonly llm: LlmClient) {}`. It is the client `createClient()` returns; the
 * abstract class exists so Nest has a runtime token.
 * @example
 * @Injectable()
 * class ChatService {
 *   constructor(@Inject(LlmClient) private readonly llm: LlmClient) {}
 *   answer(question: string) {
 *     return this.llm.completion({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: question }] })
 *   }
 * }
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the class is only a token; the interface gives it the client's shape.
export abstract class LlmClient {}
export interface LlmClient extends CoreLlmClient {}
