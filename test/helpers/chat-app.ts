// What every binding's chat app shares: the options it takes, the handle a test gets back, and
// the request its routes send to the provider.
import type { LlmSession } from '@llm-session/core'

export interface BindingTestOptions {
  session?: LlmSession | Record<string, unknown>
  client?: Record<string, unknown>
  closeSession?: boolean
  [unknown: string]: unknown
}

/** A running app with POST /chat and POST /chat/stream. */
export interface RunningApp {
  url: string
  /** The session the binding uses. */
  session: LlmSession
  /** Stops the app the framework's way; resolves once the binding's shutdown work is done. */
  close(): Promise<void>
}

export type StartApp = (options: BindingTestOptions) => Promise<RunningApp>

export const model = 'openai/gpt-4o-mini'

/** What the routes send to the provider for a chat body. */
export function chatRequest(body: { messages?: unknown; stream?: boolean } | undefined) {
  return {
    model,
    messages: (body?.messages as [{ role: 'user'; content: string }]) ?? [{ role: 'user', content: 'hi' }],
  }
}
