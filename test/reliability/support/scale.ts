import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** `RELIABILITY_SCALE=full` (`pnpm test:reliability`) runs the full numbers; CI runs a bounded form. */
export const fullScale = process.env.RELIABILITY_SCALE === 'full'

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

/** Figures for the README, one JSON file per test file under test-results/reliability/. */
export function writeFigures(name: string, figures: Record<string, unknown>): void {
  const file = join(repoRoot, 'test-results', 'reliability', `${name}.json`)
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, `${JSON.stringify({ scale: fullScale ? 'full' : 'bounded', ...figures }, null, 2)}\n`)
}
