// Reads vitest JSON reports and prints the one line CI reads: `N passed, N failed`, summed over
// every report given (the main run and the Node compatibility runs).
// A test file that failed before any test ran (an import error) counts as one failure; a report
// that is missing or unreadable counts as one failure.
import { readFileSync } from 'node:fs'

const files = process.argv.length > 2 ? process.argv.slice(2) : ['test-results/vitest.json']
let passed = 0
let failed = 0
for (const file of files) {
  let report
  try {
    report = JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    failed++
    continue
  }
  const brokenFiles = report.testResults.filter(
    (suite) => suite.status === 'failed' && suite.assertionResults.length === 0,
  ).length
  passed += report.numPassedTests
  failed += report.numFailedTests + brokenFiles
}
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
