// Every TypeScript snippet of the packages' READMEs compiles under `strict`, with the settings of a
// `nest new` app on top (isolatedModules, experimentalDecorators, emitDecoratorMetadata), against
// the built packages, so the docs stay true. Each snippet is its own ES module.
import { join } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { type ReadmeSnippet, readmeSnippets } from './helpers/readme-snippets.js'
import { repoRoot } from './helpers/run-node.js'

// Core's README shows short fragments after its first snippet (a call on `llm`, a route on `app`);
// a reader takes those names from the page. A fragment gets the declaration of each such name it
// uses and does not declare itself; the binding READMEs' snippets are complete and get none.
const pageContext: Record<string, string> = {
  llm: "declare const llm: import('@llm-session/core').LlmClient",
  session: "declare const session: import('@llm-session/core').LlmSession",
  messages: "declare const messages: import('@llm-session/core').ChatMessage[]",
  request: "declare const request: import('@llm-session/core').CompletionRequest",
  app: "declare const app: import('express').Express",
  req: "declare const req: import('express').Request",
  proxyUrl: 'declare const proxyUrl: string',
  // The multi-tenant example: an auth middleware put the tenant on the request.
  tenant: 'declare global { namespace Express { interface Request { tenant: string; tenantKey: string } } }',
  getWeather: 'declare function getWeather(city: string): Promise<{ celsius: number }>',
  log: 'declare const log: { error(fields: object, message: string): void }',
  createClient: "import { createClient } from '@llm-session/core'",
  createSession: "import { createSession } from '@llm-session/core'",
  parseUntrustedChatRequest: "import { parseUntrustedChatRequest } from '@llm-session/core'",
  expect: "import { expect } from 'vitest'",
}

function withPageContext(snippet: ReadmeSnippet): ReadmeSnippet {
  if (snippet.readme !== 'packages/core/README.md' && snippet.readme !== 'packages/testing/README.md')
    return snippet
  const declared = declaredNames(snippet.code)
  const context = Object.entries(pageContext)
    .filter(([name]) => !declared.has(name) && new RegExp(`\\b${name}\\b`).test(snippet.code))
    .map(([, declaration]) => declaration)
  // On the snippet's last line, so diagnostics keep the README's line numbers.
  return context.length === 0 ? snippet : { ...snippet, code: `${snippet.code}\n${context.join('\n')}\n` }
}

function declaredNames(code: string): Set<string> {
  const names = new Set<string>()
  const file = ts.createSourceFile('snippet.ts', code, ts.ScriptTarget.ES2022)
  const bind = (name: ts.BindingName) => {
    if (ts.isIdentifier(name)) names.add(name.text)
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bind(element.name)
  }
  for (const statement of file.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause
      if (clause?.name) names.add(clause.name.text)
      const bindings = clause?.namedBindings
      if (bindings && ts.isNamedImports(bindings))
        for (const element of bindings.elements) names.add(element.name.text)
      if (bindings && ts.isNamespaceImport(bindings)) names.add(bindings.name.text)
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) bind(declaration.name)
    } else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) {
      names.add(statement.name.text)
    }
  }
  return names
}

const readmes = ['core', 'testing', 'express', 'fastify', 'hono', 'nestjs'].map(
  (name) => `packages/${name}/README.md`,
)
const snippets = readmes.flatMap((readme) => readmeSnippets(readme)).map(withPageContext)

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
  // A Node backend: no DOM, so web streams are Node's (as `Readable.fromWeb` expects).
  lib: ['lib.es2023.d.ts'],
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
