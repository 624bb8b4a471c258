import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const packages = readdirSync(join(root, 'packages')).map((folder) => {
  const manifest = JSON.parse(readFileSync(join(root, 'packages', folder, 'package.json'), 'utf8')) as {
    name: string
  }
  return { folder, name: manifest.name }
})

// Each built package is loaded by a plain Node process, as an application would load it:
// once with `import` (ESM) and once with `require()` (CommonJS, as NestJS 11 apps compile).
function loadIn(folder: string, source: string, type: 'module' | 'commonjs'): string[] {
  const output = execFileSync(process.execPath, [`--input-type=${type}`, '-e', source], {
    cwd: join(root, 'packages', folder),
    encoding: 'utf8',
  })
  return JSON.parse(output) as string[]
}

describe.each(packages)('$name as built', ({ folder, name }) => {
  it('loads with import', () => {
    const exports = loadIn(
      folder,
      `const m = await import('${name}'); console.log(JSON.stringify(Object.keys(m)))`,
      'module',
    )
    expect(exports.length).toBeGreaterThan(0)
  })

  it('loads with require() and exposes the same names', () => {
    const esm = loadIn(
      folder,
      `const m = await import('${name}'); console.log(JSON.stringify(Object.keys(m).sort()))`,
      'module',
    )
    const cjs = loadIn(
      folder,
      `const m = require('${name}'); console.log(JSON.stringify(Object.keys(m).sort()))`,
      'commonjs',
    )
    if (name === '@llm-session/fastify') {
      // require() gives the plugin itself (see below), which fastify-plugin also names.
      expect(cjs.filter((key) => key !== 'default' && key !== 'llmSessionFastify')).toEqual(
        esm.filter((key) => key !== 'default'),
      )
    } else {
      expect(cjs).toEqual(esm.filter((key) => key !== 'default'))
    }
  })
})

describe('@llm-session/fastify entry points', () => {
  it('gives the plugin as the default export and as what require() returns, as @fastify/redis does', () => {
    const esm = loadIn(
      'fastify',
      `const m = await import('@llm-session/fastify'); console.log(JSON.stringify([m.default === m.llmSession, typeof m.default]))`,
      'module',
    )
    expect(esm).toEqual([true, 'function'])
    const cjs = loadIn(
      'fastify',
      `const m = require('@llm-session/fastify'); console.log(JSON.stringify([typeof m, m === m.llmSession, m === m.default, typeof m.sendCompletionStream, typeof m.llmErrorHandler]))`,
      'commonjs',
    )
    expect(cjs).toEqual(['function', true, true, 'function', 'function'])
  })
})

describe.each(packages)('$name as published', ({ folder, name }) => {
  const manifest = JSON.parse(readFileSync(join(root, 'packages', folder, 'package.json'), 'utf8')) as {
    license: string
    files: string[]
    repository: { type: string; url: string; directory: string }
    homepage: string
    bugs: { url: string }
    dependencies?: Record<string, string>
    peerDependencies?: Record<string, string>
  }

  it('ships its MIT LICENSE and says where it comes from', () => {
    expect(manifest.license).toBe('MIT')
    expect(readFileSync(join(root, 'packages', folder, 'LICENSE'), 'utf8')).toMatch(/^MIT License/)
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        cwd: join(root, 'packages', folder),
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    ) as Array<{ files: Array<{ path: string }> }>
    expect(packed[0]?.files.map((file) => file.path)).toContain('LICENSE')
    expect(manifest.repository).toMatchObject({ type: 'git', directory: `packages/${folder}` })
    expect(manifest.homepage).toContain(`packages/${folder}`)
    expect(manifest.bugs.url).toMatch(/\/issues$/)
  })

  it.runIf(!['core', 'testing'].includes(folder))(
    'takes @llm-session/core as a peer, not a dependency',
    () => {
      expect(manifest.peerDependencies?.['@llm-session/core']).toBeDefined()
      expect(manifest.dependencies?.['@llm-session/core']).toBeUndefined()
      expect(name).toMatch(/^@llm-session\//)
    },
  )
})
