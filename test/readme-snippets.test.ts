// Every TypeScript snippet of the packages' READMEs compiles under `strict`, with the settings of a
// `nest new` app on top (isolatedModules, experimentalDecorators, emitDecoratorMetadata), against
// the built packages, so the docs stay true. Each snippet is its own ES module.
import { join } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { type ReadmeSnippet, readmeSnippets } from './helpers/readme-snippets.js'
import { repoRoot } from './helpers/run-node.js'

// The binding READMEs; core's and testing's still show fragments (a call without its setup).
const readmes = ['express', 'fastify', 'hono', 'nestjs'].map((name) => `packages/${name}/README.md`)
const snippets = readmes.flatMap((readme) => readmeSnippets(readme))

// Virtual files beside the test, so imports resolve as in an app of this workspace (Nest 12, ESM);
// the Nest snippets without top-level await also in the NestJS 11 CommonJS app of test/.
const fileOf = (snippet: ReadmeSnippet, folder = 'test') =>
  join(repoRoot, folder, `readme-${snippet.readme.split('/')[1]}-line-${snippet.line}.ts`)
const nest11Folder = 'test/nestjs-11-cjs/src'
const nest11Snippets = snippets.filter(
  (snippet) => snippet.readme === 'packages/nestjs/README.md' && !/^await /m.test(snippet.code),
)

const options: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  isolatedModules: true,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  skipLibCheck: true,
  types: ['node'],
}

function diagnose(files: Map<string, string>): Map<string, string[]> {
  const host = ts.createCompilerHost(options)
  const readFile = host.readFile.bind(host)
  const getSourceFile = host.getSourceFile.bind(host)
  host.fileExists = (name) => files.has(name) || ts.sys.fileExists(name)
  host.readFile = (name) => files.get(name) ?? readFile(name)
  host.getSourceFile = (name, language, ...rest) => {
    const code = files.get(name)
    return code === undefined
      ? getSourceFile(name, language, ...rest)
      : ts.createSourceFile(name, code, language)
  }
  const program = ts.createProgram([...files.keys()], options, host)
  const found = new Map<string, string[]>()
  for (const diagnostic of [...program.getGlobalDiagnostics(), ...ts.getPreEmitDiagnostics(program)]) {
    const name = diagnostic.file?.fileName ?? 'global'
    const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')
    const at =
      diagnostic.file !== undefined && diagnostic.start !== undefined
        ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line + 1
        : 0
    found.set(name, [...(found.get(name) ?? []), `snippet line ${at}: TS${diagnostic.code} ${text}`])
  }
  return found
}

describe('README snippets', () => {
  const diagnostics = diagnose(new Map(snippets.map((snippet) => [fileOf(snippet), snippet.code])))
  const nest11 = diagnose(
    new Map(nest11Snippets.map((snippet) => [fileOf(snippet, nest11Folder), snippet.code])),
  )

  it('finds the snippets of every binding README', () => {
    for (const name of ['express', 'fastify', 'hono', 'nestjs'])
      expect(
        snippets.filter((snippet) => snippet.readme === `packages/${name}/README.md`).length,
      ).toBeGreaterThan(0)
  })

  it.each(
    snippets.map((snippet) => [`${snippet.readme}:${snippet.line} (${snippet.section})`, snippet] as const),
  )('%s compiles under strict', (_name, snippet) => {
    expect(diagnostics.get(fileOf(snippet)) ?? []).toEqual([])
  })

  it('includes the Nest Usage snippet in the NestJS 11 CommonJS check', () => {
    expect(nest11Snippets.map((snippet) => snippet.section)).toContain('Usage')
  })

  it.each(
    nest11Snippets.map(
      (snippet) => [`${snippet.readme}:${snippet.line} (${snippet.section})`, snippet] as const,
    ),
  )('%s compiles against NestJS 11 in a CommonJS app', (_name, snippet) => {
    expect(nest11.get(fileOf(snippet, nest11Folder)) ?? []).toEqual([])
  })

  it('reports nothing outside the snippets', () => {
    const outside = [...diagnostics.keys()].filter(
      (name) => !snippets.some((snippet) => fileOf(snippet) === name),
    )
    expect(outside).toEqual([])
  })
})
