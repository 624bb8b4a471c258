import { defineConfig } from 'tsup'
import { packageBuild } from '../../tsup.config.base.js'

export default defineConfig(
  packageBuild({
    // esbuild's own CJS output (no rollup pass), so the footer runs after every export is defined.
    treeshake: false,
    // require('@llm-session/fastify') gives the plugin itself, its named exports hung on it, as
    // @fastify/redis does: `app.register(require('@llm-session/fastify'))` works.
    footer: ({ format }) =>
      format === 'cjs'
        ? { js: 'module.exports = Object.assign(module.exports.default, module.exports)' }
        : {},
  }),
)
