// Reads vitest's JSON report and prints the one line CI reads: `N passed, N failed`.
// A test file that failed before any test ran (an import error) counts as one failure.
import { readFileSync } from 'node:fs'

const file = process.argv[2] ?? 'test-results/vitest.json'
let report
try {
  report = JSON.parse(readFileSync(file, 'utf8'))
} catch {
  console.log('0 passed, 1 failed')
  process.exit(1)
}
const brokenFiles = report.testResults.filter(
  (suite) => suite.status === 'failed' && suite.assertionResults.length === 0,
).length
const failed = report.numFailedTests + brokenFiles
console.log(`${report.numPassedTests} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
