import { start } from './app.js'

const app = await start({
  port: Number(process.env.PORT ?? 3000),
  mockOptions: { chunkDelayMs: 30 },
  logger: true,
})
console.log(`chat API on ${app.url} (provider: ${app.provider.name}): POST /chat, POST /chat/stream`)
// On SIGINT/SIGTERM, enableShutdownHooks() closes the app (the session after the server), then
// re-raises the signal, which ends the process and the embedded mock with it.
