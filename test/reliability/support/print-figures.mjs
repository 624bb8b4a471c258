// Prints the reliability suite's figures (written by its tests to test-results/reliability/) as
// the table the README's Reliability section shows.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const dir = join(
  import.meta.dirname ?? new URL('.', import.meta.url).pathname,
  '..',
  '..',
  '..',
  'test-results',
  'reliability',
)
const read = (name) => {
  const file = join(dir, `${name}.json`)
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined
}
const load = read('load-and-faults')
const soak = read('soak')
const bad = read('bad-input')
const secrets = read('secrets')
// The attacker suite writes one file per test file; its figures add up.
const attacker = ['attacker-core', 'attacker-leaks', 'attacker-apps'].map(read).filter(Boolean)
const sum = (name) => attacker.reduce((total, figures) => total + (figures[name] ?? 0), 0)
const rows = [
  ['scale', load?.scale],
  ['requests (load, concurrency 200, TLS, one session)', load?.requests],
  ['requests (soak)', soak?.requests],
  ['faults injected', load?.faultsInjected],
  ['faults survived (typed error or successful retry)', load?.faultsSurvived],
  ['peak connections (limit)', load && `${load.peakConnections} (${load.connectionLimit})`],
  ['connections left after close', load?.connectionsLeft],
  ['unhandled rejections', load?.unhandledRejections],
  ['leak warnings', load?.leakWarnings],
  ['heap growth after GC, 10,000 → 100,000 calls', soak && `${soak.heapGrowthPercent}%`],
  ['bad inputs tried', bad?.badInputs],
  [
    'secrets planted / surfaces scanned / found',
    secrets && `${secrets.secretsPlanted} / ${secrets.surfacesScanned} / ${secrets.secretsFound}`,
  ],
  [
    'hostile inputs tried / handled',
    attacker.length > 0 && `${sum('hostileInputsTried')} / ${sum('hostileInputsHandled')}`,
  ],
  [
    'attacker: secrets planted / surfaces scanned / found',
    attacker.length > 0 &&
      `${attacker[0].secretsPlanted} / ${sum('surfacesScanned')} / ${sum('secretsFound')}`,
  ],
  ['SSRF attempts / refused', attacker.length > 0 && `${sum('ssrfAttempts')} / ${sum('ssrfRefused')}`],
]
console.log('| figure | value |\n| --- | --- |')
for (const [name, value] of rows) console.log(`| ${name} | ${value ?? 'not run'} |`)
