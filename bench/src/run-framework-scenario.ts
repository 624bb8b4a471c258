import { Agent } from 'undici'
import type { BenchConfig } from './bench-config.js'
import { type ChildHandle, startChild } from './child-ipc.js'
import type { FrameworkId } from './framework-app-process.js'
import { type LoadResult, median, runClosedLoop } from './load-loop.js'
import type { MockHandle } from './run-load-scenarios.js'

export const frameworkIds: FrameworkId[] = ['express', 'fastify', 'hono']

export interface FrameworkFigures {
  name: FrameworkId
  raw: LoadResult[]
  llm: LoadResult[]
  rawRequestsPerSecond: number
  llmRequestsPerSecond: number
  /** Time per request of the `req.llm` route over the raw undici route, median of paired rounds. */
  overhead: number
}

/**
 * Each framework app in its own process; this process drives its two routes over plain HTTP at
 * concurrency 20, the raw and the llm route alternating first from round to round.
 */
export async function runFrameworkScenario(
  mock: MockHandle,
  config: BenchConfig,
  log: (line: string) => void,
): Promise<FrameworkFigures[]> {
  await mock.child.call('configure', { tokens: 2 })
  const apps = new Map<FrameworkId, { child: ChildHandle; port: number }>()
  const agent = new Agent({ connections: 64 })
  try {
    for (const name of frameworkIds) {
      const child = startChild('framework-app-process', { args: [name] })
      apps.set(name, { child, port: await child.call<number>('start', mock.target) })
    }
    const results = new Map(
      frameworkIds.map((name) => [name, { raw: [] as LoadResult[], llm: [] as LoadResult[] }]),
    )
    for (let round = 0; round < config.rounds; round++) {
      for (const name of frameworkIds) {
        const { port } = apps.get(name)!
        const routes = round % 2 === 0 ? (['raw', 'llm'] as const) : (['llm', 'raw'] as const)
        for (const route of routes) {
          const call = async () => {
            const res = await agent.request({
              origin: `http://127.0.0.1:${port}`,
              path: `/${route}`,
              method: 'GET',
            })
            if (res.statusCode !== 200) throw new Error(`${name} /${route}: status ${res.statusCode}`)
            await res.body.json()
          }
          await runClosedLoop(call, { concurrency: 20, durationMs: config.warmupMs })
          results
            .get(name)!
            [route].push(await runClosedLoop(call, { concurrency: 20, durationMs: config.roundMs }))
        }
      }
      log(`  frameworks: round ${round + 1}/${config.rounds} done`)
    }
    return frameworkIds.map((name) => {
      const { raw, llm } = results.get(name)!
      return {
        name,
        raw,
        llm,
        rawRequestsPerSecond: median(raw.map((r) => r.requestsPerSecond)),
        llmRequestsPerSecond: median(llm.map((r) => r.requestsPerSecond)),
        overhead: median(raw.map((r, i) => r.requestsPerSecond / llm[i]!.requestsPerSecond)),
      }
    })
  } finally {
    await agent.close()
    await Promise.all([...apps.values()].map((app) => app.child.stop()))
  }
}
