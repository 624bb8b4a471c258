import type { Options } from 'tsup'

/**
 * The build every package shares: `src/index.ts` as ESM and CJS with types, for Node 20.
 * `overrides` replaces single fields, e.g. for an extra entry.
 */
export function packageBuild(overrides: Options = {}): Options {
  return {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    platform: 'node',
    treeshake: true,
    ...overrides,
  }
}
