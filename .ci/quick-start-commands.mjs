// Prints the commands of the README's "Quick start" shell block, one a line (comments and blank
// lines left out), so CI runs exactly what a new user copies.
import { readFileSync } from 'node:fs'

const readme = readFileSync(process.argv[2] ?? 'README.md', 'utf8')
const section = readme.split(/^## /m).find((part) => part.startsWith('Quick start'))
const block = section?.match(/```sh\n([\s\S]*?)```/)?.[1]
if (block === undefined) {
  console.error('quick-start-commands: no ```sh block under "## Quick start" in the README')
  process.exit(1)
}
for (const line of block.split('\n')) {
  const command = line.trim()
  if (command !== '' && !command.startsWith('#')) console.log(command)
}
