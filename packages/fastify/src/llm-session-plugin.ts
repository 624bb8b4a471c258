import { randomUUID } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import { type BindingOptions, createBindingRuntime, type LlmClient, type LlmSession } from '@llm-session/core'
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'

/** Options of the plugin: `{ session?, client?, closeSession? }`. */
export interface LlmSessionPluginOptions extends BindingOptions {}

const scopedClients = new WeakMap<FastifyRequest, LlmClient>()
const responses = new WeakMap<FastifyRequest, ServerResponse>()

const plugin: FastifyPluginAsync<LlmSessionPluginOptions> = async (app, options) => {
  if (app === undefined)
    throw new TypeError(
      '@llm-session/fastify: llmSession is the plugin itself: write app.register(llmSession, options), not app.register(llmSession())',
    )
  if (app.hasDecorator('llm'))
    throw new Error(
      '@llm-session/fastify is already registered on this instance: register it once, at the root (one session per app)',
    )
  const runtime = createBindingRuntime(options, { framework: 'fastify', logger: app.log })

  app.decorate('llm', runtime.client)
  app.decorate('llmSession', runtime.session)
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
        const response = responses.get(this)
        scoped = runtime.requestClient({
          ...(response === undefined ? {} : { response }),
          requestId: inboundRequestId(this),
        })
        scopedClients.set(this, scoped)
      }
      return scoped
    },
  })
  // onClose runs after the server stopped and in-flight requests finished.
  app.addHook('onClose', async () => {
    if (runtime.closesSession) app.log.debug({ sessionId: runtime.session.id }, 'closing llm session')
    await runtime.close()
  })
}

// The caller's x-request-id, else a random UUID: Fastify's default `request.id` ('req-1', 'req-2'...)
// is a per-process counter, which collides across instances in the provider's logs.
function inboundRequestId(request: FastifyRequest): string {
  const header = request.headers['x-request-id']
  return typeof header === 'string' && header !== '' ? header : randomUUID()
}

/**
 * The Fastify plugin: one llm-session session per app, `app.llm` (the client) and `request.llm` (a
 * client that sends the inbound `x-request-id` (or a random UUID) upstream and aborts the provider call when the caller
 * disconnects). An owned session closes in `onClose`.
 * Also the default export: `import llmSession from '@llm-session/fastify'`, and `require()` gives it.
 * @example
 * await app.register(llmSession, { session: { connections: 32 } })
 * app.post('/chat', (request) =>
 *   request.llm.completion({ model: 'openai/gpt-4o-mini', ...parseUntrustedChatRequest(request.body) }),
 * )
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
