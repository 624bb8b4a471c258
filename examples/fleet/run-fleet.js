import { fork } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'

const workerPath = join(import.meta.dirname, 'fleet-worker.js')

/**
 * Runs `instances` fleet workers at once against `baseUrl` and resolves with their reports.
 * `onStarted` runs once all are under load (the fault test stops Redis from there).
 */
export async function runFleet({ instances, onStarted, ...config }) {
  const workers = Array.from({ length: instances }, (_, instance) =>
    fork(workerPath, [JSON.stringify({ ...config, instance, fleetSize: instances })], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  )
  const reports = workers.map(
    (worker) =>
      new Promise((resolve, reject) => {
        worker.on('message', (message) => {
          if (message.type === 'report') resolve(message)
        })
        worker.once('exit', (code) => reject(new Error(`fleet worker exited with ${code} before its report`)))
      }),
  )
  // A worker that fails at start must not leave the others waiting.
  for (const report of reports) report.catch(() => {})
  await Promise.all(workers.map((worker) => once(worker, 'message')))
  for (const worker of workers) worker.send('start')
  await onStarted?.()
  try {
    return await Promise.all(reports)
  } finally {
    for (const worker of workers) if (worker.exitCode === null) await once(worker, 'exit')
  }
}

/** Sums the workers' counts. */
export function totalOf(reports) {
  const total = {}
  for (const { counts } of reports)
    for (const [name, value] of Object.entries(counts)) total[name] = (total[name] ?? 0) + value
  return total
}
