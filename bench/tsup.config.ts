import { defineConfig } from 'tsup'

// Each file a child process runs is its own entry. The parser scenario imports core's internal
// stream decoder from source, so that one piece is bundled in; everything else stays external.
export default defineConfig({
  entry: [
    'src/run-bench.ts',
    'src/mock-server-process.ts',
    'src/contender-process.ts',
    'src/soak-process.ts',
    'src/heap-process.ts',
    'src/parser-process.ts',
    'src/framework-app-process.ts',
    'src/limiter-cost.ts',
    'src/profile-run.ts',
    'src/telemetry-overhead.ts',
    'src/telemetry-process.ts',
  ],
  format: ['esm'],
  dts: false,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  splitting: false,
  // Peers are measured as installed, not re-bundled (tsup bundles devDependencies by default).
  external: [
    'ioredis',
    'openai',
    'ai',
    '@ai-sdk/openai',
    'undici',
    'express',
    'fastify',
    'hono',
    '@hono/node-server',
    /^@opentelemetry\//,
  ],
})
