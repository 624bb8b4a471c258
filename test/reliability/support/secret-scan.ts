import { inspect } from 'node:util'

/** Every text a value can show: String(), message, stack, JSON.stringify and util.inspect (hidden fields too). */
export function textsOf(value: unknown): string[] {
  const texts: string[] = []
  const add = (produce: () => unknown) => {
    try {
      const text = produce()
      if (typeof text === 'string') texts.push(text)
    } catch (error) {
      texts.push(`(could not render: ${(error as Error)?.message})`)
    }
  }
  add(() => String(value))
  add(() => JSON.stringify(value))
  add(() => inspect(value, { depth: Number.POSITIVE_INFINITY, showHidden: true, getters: true }))
  if (value instanceof Error) {
    add(() => value.message)
    add(() => value.stack)
  }
  return texts
}

/** An error and every `cause` (and AggregateError member) under it, undici's included. */
export function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = []
  const queue = [error]
  while (queue.length > 0 && chain.length < 50) {
    const current = queue.shift()
    if (current === undefined || current === null || chain.includes(current)) continue
    chain.push(current)
    if (typeof current === 'object') {
      queue.push((current as { cause?: unknown }).cause)
      const members = (current as { errors?: unknown }).errors
      if (Array.isArray(members)) queue.push(...members)
    }
  }
  return chain
}

/** Collects texts from every surface and reports which planted secret showed up where. */
export interface SecretScanner {
  /** Adds a value (and its cause chain when it is an error) under a label. */
  add(label: string, value: unknown): void
  addText(label: string, text: string): void
  readonly surfaces: number
  findings(): string[]
}

/**
 * @param secrets planted secrets by name; each is also searched by a distinctive middle slice, so
 * a secret cut or re-wrapped (a PEM body split into lines) still counts.
 */
export function createSecretScanner(secrets: Record<string, string>): SecretScanner {
  const collected: Array<{ label: string; text: string }> = []
  const needles = Object.entries(secrets).flatMap(([name, secret]) => {
    const core =
      secret.length > 24
        ? secret.slice(Math.floor(secret.length / 2) - 8, Math.floor(secret.length / 2) + 8)
        : secret
    return [
      { name, needle: secret },
      { name: `${name} (fragment)`, needle: core },
    ]
  })
  return {
    add(label, value) {
      const items = value instanceof Error ? causeChain(value) : [value]
      for (const [depth, item] of items.entries())
        for (const text of textsOf(item))
          collected.push({ label: depth === 0 ? label : `${label} cause ${depth}`, text })
    },
    addText(label, text) {
      collected.push({ label, text })
    },
    get surfaces() {
      return collected.length
    },
    findings() {
      const found: string[] = []
      for (const { label, text } of collected)
        for (const { name, needle } of needles) if (text.includes(needle)) found.push(`${name} in ${label}`)
      return [...new Set(found)]
    },
  }
}
