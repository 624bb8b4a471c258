import { buildApp, chooseProvider } from './app.js'

const provider = await chooseProvider({ chunkDelayMs: 30 })
const app = await buildApp({
  model: provider.model,
  llm: { session: { ...provider.session, connections: 16 }, client: provider.client },
  logger: true,
})
await app.listen({ port: Number(process.env.PORT ?? 3000), host: '127.0.0.1' })
for (const signal of ['SIGINT', 'SIGTERM'])
  process.once(signal, async () => {
    await app.close() // closes the session after in-flight requests
    await provider.mock?.close()
  })
