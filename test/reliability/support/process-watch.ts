/** Collects unhandled rejections and LLM_SESSION_UNCLOSED warnings while a test runs. */
export interface ProcessWatch {
  readonly unhandledRejections: unknown[]
  readonly leakWarnings: Error[]
  stop(): void
}

export function watchProcess(): ProcessWatch {
  const unhandledRejections: unknown[] = []
  const leakWarnings: Error[] = []
  const onRejection = (reason: unknown) => unhandledRejections.push(reason)
  const onWarning = (warning: Error & { code?: string }) => {
    if (warning.code === 'LLM_SESSION_UNCLOSED') leakWarnings.push(warning)
  }
  process.on('unhandledRejection', onRejection)
  process.on('warning', onWarning)
  return {
    unhandledRejections,
    leakWarnings,
    stop() {
      process.off('unhandledRejection', onRejection)
      process.off('warning', onWarning)
    },
  }
}

/** Counts calls started and settled, so a test can prove no promise was left pending. */
export interface SettleTracker {
  readonly started: number
  readonly settled: number
  track<T>(promise: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }>
  /** Resolves once every tracked promise has settled. */
  allSettled(): Promise<void>
}

export function createSettleTracker(): SettleTracker {
  let started = 0
  let settled = 0
  const pending = new Set<Promise<unknown>>()
  return {
    get started() {
      return started
    },
    get settled() {
      return settled
    },
    track(promise) {
      started++
      const outcome = promise.then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      )
      const done = outcome.finally(() => {
        settled++
        pending.delete(done)
      })
      pending.add(done)
      return outcome
    },
    async allSettled() {
      while (pending.size > 0) await Promise.all([...pending])
    },
  }
}

/** Runs `count` tasks with at most `concurrency` at once. */
export async function runPool(count: number, concurrency: number, task: (index: number) => Promise<void>) {
  let next = 0
  const worker = async () => {
    while (next < count) await task(next++)
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
}
