import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const corePackageDir = join(repoRoot, 'packages', 'core')

export interface NodeRun {
  code: number | null
  stdout: string
  stderr: string
}

/**
 * Runs an ES module script in a fresh Node process from packages/core (so `@llm-session/core`
 * resolves to the built package). Bounded by `timeout` ms; the child is killed past it.
 */
export function runNode(
  source: string,
  options: { args?: string[]; env?: Record<string, string | undefined>; timeout?: number } = {},
): Promise<NodeRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.args ?? []), '--input-type=module', '-e', source], {
      cwd: corePackageDir,
      env: withoutUndefined({ ...process.env, ...options.env }),
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeout ?? 20_000,
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

function withoutUndefined(env: Record<string, string | undefined>): Record<string, string> {
  const result: Record<string, string> = {}
  for (const [key, value] of Object.entries(env)) if (value !== undefined) result[key] = value
  return result
}
