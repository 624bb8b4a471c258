// The TypeScript snippets of the READMEs, as a reader sees them, so tests can compile and run
// exactly what the docs say.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from './run-node.js'

export interface ReadmeSnippet {
  /** The README's path from the repository root, e.g. `packages/express/README.md`. */
  readme: string
  /** The `## ` section the snippet sits in, e.g. `Usage`. */
  section: string
  /** 1-based line of the opening fence, for messages. */
  line: number
  code: string
}

/** Every ```ts block of a README, in order. */
export function readmeSnippets(readme: string): ReadmeSnippet[] {
  const lines = readFileSync(join(repoRoot, readme), 'utf8').split('\n')
  const snippets: ReadmeSnippet[] = []
  let section = ''
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string
    if (line.startsWith('## ')) section = line.slice(3).trim()
    if (!/^```(ts|typescript)\s*$/.test(line)) continue
    const start = index
    const code: string[] = []
    while (++index < lines.length && lines[index] !== '```') code.push(lines[index] as string)
    snippets.push({ readme, section, line: start + 1, code: `${code.join('\n')}\n` })
  }
  return snippets
}

/** The first ```ts block of a README's section. */
export function readmeSnippet(readme: string, section: string): ReadmeSnippet {
  const snippet = readmeSnippets(readme).find((candidate) => candidate.section === section)
  if (snippet === undefined) throw new Error(`${readme} has no \`\`\`ts block under "## ${section}"`)
  return snippet
}
