// What every binding's chat app shares: the options it takes, the handle a test gets back, and
// the request its routes send to the provider.
import { once } from 'node:events'
import type { AddressInfo, Server } from 'node:net'
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

/** A binding that attaches to the Node server it serves on (Express, Hono). */
export interface AttachableBinding<S extends Server> {
  attach(server: S): unknown
  session: LlmSession
  close(): Promise<void>
}

/** Once `server` listens, attaches `llm` to it; close() stops the server, then the binding. */
export async function listenWithBinding<S extends Server>(
  server: S,
  llm: AttachableBinding<S>,
): Promise<RunningApp> {
  await once(server, 'listening')
  llm.attach(server)
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    session: llm.session,
    async close() {
      server.close()
      await once(server, 'close')
      await llm.close()
    },
  }
}
