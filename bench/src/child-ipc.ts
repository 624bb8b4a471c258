import { type ChildProcess, fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** A message between the orchestrator and a child: a numbered call, or its answer. */
interface CallMessage {
  id: number
  type: string
  payload?: unknown
}
interface AnswerMessage {
  id: number
  result?: unknown
  error?: string
}

/** The orchestrator's side of a child process that answers numbered calls over IPC. */
export interface ChildHandle {
  call<T>(type: string, payload?: unknown): Promise<T>
  /** Asks the child to exit and waits until it has. */
  stop(): Promise<void>
  readonly process: ChildProcess
}

export interface StartChildOptions {
  args?: string[]
  execArgv?: string[]
  env?: NodeJS.ProcessEnv
}

/** Forks one of the bench's own entry files (resolved next to this built file). */
export function startChild(entry: string, options: StartChildOptions = {}): ChildHandle {
  const file = fileURLToPath(new URL(`./${entry}.js`, import.meta.url))
  const child = fork(file, options.args ?? [], {
    execArgv: options.execArgv ?? [],
    env: options.env ?? process.env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  let next = 0
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>()
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      for (const waiter of pending.values())
        waiter.reject(new Error(`${entry} exited (code ${code}, signal ${signal}) during a call`))
      pending.clear()
      resolve()
    })
  })
  child.on('message', (message: AnswerMessage) => {
    const waiter = pending.get(message.id)
    if (waiter === undefined) return
    pending.delete(message.id)
    if (message.error !== undefined) waiter.reject(new Error(`${entry}: ${message.error}`))
    else waiter.resolve(message.result)
  })
  return {
    process: child,
    call<T>(type: string, payload?: unknown): Promise<T> {
      const id = ++next
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject })
        child.send({ id, type, payload } satisfies CallMessage)
      })
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.send({ id: 0, type: 'exit' } satisfies CallMessage)
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
        await exited
        clearTimeout(timer)
      }
    },
  }
}

/** The child's side: answers each call with its handler's result; `exit` ends the process. */
export function serveCalls(
  handlers: Record<string, (payload: never) => unknown>,
  onExit?: () => Promise<void>,
) {
  process.on('message', async (message: CallMessage) => {
    if (message.type === 'exit') {
      await onExit?.()
      process.disconnect()
      return
    }
    const handler = handlers[message.type]
    try {
      if (handler === undefined) throw new Error(`unknown call ${message.type}`)
      const result = await handler(message.payload as never)
      process.send!({ id: message.id, result } satisfies AnswerMessage)
    } catch (error) {
      process.send!({
        id: message.id,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      } satisfies AnswerMessage)
    }
  })
}
