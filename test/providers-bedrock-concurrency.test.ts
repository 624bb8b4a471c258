import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, createSession } from '../packages/core/src/index.js'
import { type MockProvider, startMockProvider } from '../packages/testing/src/index.js'

// 200 concurrent Bedrock calls on one session: within its connection limit, every request signed
// and verified, and the credentials provider asked once per expiry however many calls wait on it.

const connectionLimit = 8
const concurrency = 200
const keys = [
  {
    accessKeyId: 'AKIAROTATED000000001',
    secretAccessKey: 'rotated-secret-one-for-tests',
    sessionToken: 'token-one',
  },
  {
    accessKeyId: 'AKIAROTATED000000002',
    secretAccessKey: 'rotated-secret-two-for-tests',
    sessionToken: 'token-two',
  },
]

let mock: MockProvider
beforeAll(async () => {
  mock = await startMockProvider({ awsCredentials: keys })
})
afterAll(() => mock.close())

describe(`${concurrency} concurrent Bedrock calls on one session`, () => {
  it('stay within the connection limit; credentials are fetched once, and refreshed once when stale', async () => {
    const issued: Array<(typeof keys)[number] & { expiration: Date }> = []
    const credentials = async () => {
      // A provider that takes a turn of the event loop, as a real one (STS, IMDS) does.
      await new Promise((resolve) => setImmediate(resolve))
      const next = {
        ...keys[Math.min(issued.length, keys.length - 1)]!,
        expiration: new Date(Date.now() + 3_600_000),
      }
      issued.push(next)
      return next
    }
    const session = createSession({ connections: connectionLimit })
    const llm = createClient({
      session,
      providers: { bedrock: { region: 'us-east-1', baseUrl: mock.url, credentials } },
    })
    const batch = (label: string) =>
      Promise.all(
        Array.from({ length: concurrency }, async (_, index) => {
          const request = {
            model: 'bedrock/us.amazon.nova-lite-v1:0',
            messages: [{ role: 'user' as const, content: `${label} ${index}` }],
          }
          if (index % 2 === 0) return (await llm.completion(request)).choices[0]!.message.content
          let text = ''
          for await (const chunk of llm.stream(request)) text += chunk.choices[0]?.delta.content ?? ''
          return text
        }),
      )
    try {
      const first = await batch('first')
      expect(first).toEqual(Array.from({ length: concurrency }, (_, index) => `first ${index}`))
      expect(issued).toHaveLength(1)

      // The credentials now expire within the refresh window: the next calls share one refresh.
      issued[0]!.expiration = new Date(Date.now() + 60_000)
      // And AWS stops accepting the old key: only calls signed with the refreshed one pass.
      mock.configure({ awsCredentials: [keys[1]!] })
      const second = await batch('second')
      expect(second).toEqual(Array.from({ length: concurrency }, (_, index) => `second ${index}`))
      expect(issued).toHaveLength(2)

      const stats = mock.stats()
      expect(stats.signaturesVerified).toBe(2 * concurrency)
      expect(stats.byRoute['bedrock.converse']).toBe(concurrency)
      expect(stats.byRoute['bedrock.converse.stream']).toBe(concurrency)
      expect(stats.connections).toBe(session.stats().socketsOpened)
      expect(stats.connections).toBeGreaterThan(1)
      expect(stats.peakOpenConnections).toBeLessThanOrEqual(connectionLimit)
    } finally {
      await session.close()
    }
    await mock.waitFor((stats) => stats.openConnections === 0)
  })
})
