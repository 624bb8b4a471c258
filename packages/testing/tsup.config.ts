import { defineConfig } from 'tsup'
import { packageBuild } from '../../tsup.config.base.js'

export default defineConfig([
  packageBuild(),
  // The command-line entry: ESM only, no types; its shebang comes from src/cli.ts.
  packageBuild({ entry: ['src/cli.ts'], format: ['esm'], dts: false, clean: false, treeshake: false }),
])
