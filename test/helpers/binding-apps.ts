import type { StartApp } from './chat-app.js'
import { startExpressApp } from './start-express-app.js'
import { startFastifyApp } from './start-fastify-app.js'
import { startHonoApp } from './start-hono-app.js'
import { startNestApp } from './start-nest-app.js'

/** The chat app of each binding, by name (Nest on its default Express platform). */
export const bindingApps: Record<string, StartApp> = {
  express: startExpressApp,
  fastify: startFastifyApp,
  hono: startHonoApp,
  nestjs: startNestApp('express'),
}
