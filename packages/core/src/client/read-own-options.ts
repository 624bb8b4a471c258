import { InvalidArgumentError } from '../errors/errors.js'

/**
 * A null-prototype copy of `options` with its own enumerable properties only, refusing names not
 * in `known`. Reading options this way means a polluted `Object.prototype` (`baseUrl`, `apiKey`,
 * `tls`…) set elsewhere in the app can never redirect a key or change a setting, and a typo such
 * as `apikey` or `maxRetries` is an error instead of a silent fallback.
 * @example
 * const own = readOwnOptions(options, knownClientOptions, { label: 'client option', prefix: '' })
 */
export function readOwnOptions(
  options: object,
  known: ReadonlySet<string> | undefined,
  { label, prefix }: { label: string; prefix: string },
): Record<string, unknown> {
  const own: Record<string, unknown> = Object.create(null)
  for (const name of Object.keys(options)) {
    if (known !== undefined && !known.has(name))
      throw new InvalidArgumentError(
        `unknown ${label} "${name}"; expected one of: ${[...known].join(', ')}`,
        { field: `${prefix}${name}` },
      )
    own[name] = (options as Record<string, unknown>)[name]
  }
  return own
}

/** `object[name]` only when it is the object's own property: never a value from its prototype. */
export function ownValue<T, K extends keyof T>(object: T, name: K): T[K] | undefined {
  return Object.hasOwn(object as object, name) ? object[name] : undefined
}
