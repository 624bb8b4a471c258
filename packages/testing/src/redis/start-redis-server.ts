import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'

/**
 * A `redis-server` child process on 127.0.0.1, without persistence. Whoever starts it stops it.
 * @example
 * const redis = await startRedisServer()
 * const client = new Redis(redis.port, '127.0.0.1')
 * await redis.stop() // a fault: clients see Redis gone
 * await redis.start() // back, on the same port
 * await redis.close()
 */
export interface RedisServer {
  readonly port: number
  /** `redis://127.0.0.1:<port>` */
  readonly url: string
  readonly running: boolean
  /** Stops the server (SIGTERM) and waits for it to exit. The port is kept for `start()`. */
  stop(): Promise<void>
  /** Starts it again on the same port. */
  start(): Promise<void>
  /** Stops it for good. Idempotent. */
  close(): Promise<void>
}

/** True when a `redis-server` binary is on the PATH. */
export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0
}

async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  server.close()
  await once(server, 'close')
  return port
}

async function launch(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8')
      if (output.includes('Ready to accept connections')) {
        child.stdout?.off('data', onData)
        resolve()
      }
    }
    child.stdout?.on('data', onData)
    child.once('error', (error) =>
      reject(
        new Error(
          `could not start redis-server (${error.message}); install it, e.g. apt-get install redis-server`,
        ),
      ),
    )
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output.slice(-500)}`)))
  })
  // Past start-up nothing reads the output: drain it so the child never blocks on a full pipe.
  child.stdout?.resume()
  child.stderr?.resume()
  return child
}

/**
 * Starts `redis-server` on a free loopback port with `--save '' --appendonly no`.
 * @example
 * const redis = await startRedisServer()
 */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort()
  let child: ChildProcess | undefined = await launch(port)
  const stop = async () => {
    const running = child
    child = undefined
    if (running === undefined || running.exitCode !== null) return
    const exited = once(running, 'exit')
    running.kill('SIGTERM')
    await exited
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get running() {
      return child !== undefined
    },
    stop,
    async start() {
      if (child === undefined) child = await launch(port)
    },
    close: stop,
  }
}
