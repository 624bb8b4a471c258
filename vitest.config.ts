import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // VITEST_JSON_REPORT lets .ci/node-compat.sh keep one report per Node version.
    reporters: [
      'default',
      ['json', { outputFile: process.env.VITEST_JSON_REPORT ?? 'test-results/vitest.json' }],
    ],
    typecheck: {
      enabled: true,
      include: ['packages/*/src/**/*.test-d.ts', 'test/**/*.test-d.ts'],
      tsconfig: './test/tsconfig.json',
    },
  },
})
