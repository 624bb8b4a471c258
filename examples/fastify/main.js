import { start } from './app.js'

const app = await start({
  port: Number(process.env.PORT ?? 3000),
  mockOptions: { chunkDelayMs: 30 },
  logger: true,
})
console.log(`chat API on ${app.url} (provider: ${app.provider.name}): POST /chat, POST /chat/stream`)
for (const signal of ['SIGINT', 'SIGTERM'])
  process.once(signal, async () => {
    await app.close() // closes the session after in-flight requests
    await app.provider.mock?.close()
  })
