import type { ServerResponse } from 'node:http'
import type { LlmClient, LlmSession } from '@llm-session/core'
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { type BindingOptions, createBinding, validateBindingOptions } from './binding-options.js'

/** Options of the plugin: `{ session?, client?, closeSession? }`. */
export interface LlmSessionPluginOptions extends BindingOptions {}

const scopedClients = new WeakMap<FastifyRequest, LlmClient>()
const responses = new WeakMap<FastifyRequest, ServerResponse>()

const plugin: FastifyPluginAsync<LlmSessionPluginOptions> = async (app, options) => {
  if (app.hasDecorator('llm'))
    throw new Error(
      '@llm-session/fastify is already registered on this instance: register it once, at the root (one session per app)',
    )
  const binding = createBinding(validateBindingOptions(options, '@llm-session/fastify'), app.log)

  app.decorate('llm', binding.client)
  app.decorate('llmSession', binding.session)
  // The raw request emits 'close' once its body is read, so the response tells a disconnect.
  app.addHook('onRequest', (request, reply, done) => {
    responses.set(request, reply.raw)
    done()
  })
  // A getter, not a shared object: each request gets its own client, made on first use only.
  app.decorateRequest('llm', {
    getter(this: FastifyRequest) {
      let scoped = scopedClients.get(this)
      if (scoped === undefined) {
        scoped = scopeClient(binding.client, this)
        scopedClients.set(this, scoped)
      }
      return scoped
    },
  })
  // onClose runs after the server stopped and in-flight requests finished.
  app.addHook('onClose', async () => {
    if (binding.closesSession) app.log.debug({ sessionId: binding.session.id }, 'closing llm session')
    await binding.close()
  })
}

function scopeClient(client: LlmClient, request: FastifyRequest): LlmClient {
  const controller = new AbortController()
  const response = responses.get(request)
  response?.once('close', () => {
    if (!response.writableFinished) controller.abort()
  })
  return client.with({ signal: controller.signal, headers: { 'x-request-id': String(request.id) } })
}

/**
 * The Fastify plugin: one llm-session session per app, `app.llm` (the client) and `request.llm` (a
 * client that carries `request.id` as `x-request-id` and aborts the provider call when the caller
 * disconnects). An owned session closes in `onClose`.
 * @example
 * await app.register(llmSession, { session: { connections: 32 } })
 * app.post('/chat', (request) => request.llm.completion(request.body))
 */
export const llmSession = fp(plugin, { name: '@llm-session/fastify', fastify: '5.x' })

declare module 'fastify' {
  interface FastifyInstance {
    /** The app's llm-session client. */
    llm: LlmClient
    /** The app's session (pool, stats). */
    llmSession: LlmSession
  }
  interface FastifyRequest {
    /** A client scoped to this request: its id goes to the provider, a disconnect aborts the call. */
    readonly llm: LlmClient
  }
}
