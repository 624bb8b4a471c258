import { InvalidArgumentError } from '../errors/errors.js'

/**
 * Where a client's keys may go. The developer decides it once, in `createClient()`; a request can
 * never widen it. `allowedBaseUrls` are URL prefixes (an origin alone allows every path on it).
 */
export interface TrustPolicy {
  /** Throws when the client may not route to `provider` (it would pick up that provider's env key). */
  checkProvider(provider: string): void
  /** True when `baseUrl` (a per-request one) may receive the keys and headers the developer configured. */
  allowsBaseUrl(baseUrl: string, configuredBaseUrl: string | undefined): boolean
}

interface UrlPrefix {
  origin: string
  path: string
}

function toPrefix(href: string): UrlPrefix | undefined {
  try {
    // WHATWG parsing makes the spellings of one host equal: 2130706433, 0x7f.1 and 127.0.0.1.
    const url = new URL(href)
    return { origin: url.origin, path: url.pathname.replace(/\/+$/, '') }
  } catch {
    return undefined
  }
}

function matches(prefix: UrlPrefix, url: UrlPrefix): boolean {
  return (
    prefix.origin === url.origin &&
    (prefix.path === '' || url.path === prefix.path || url.path.startsWith(`${prefix.path}/`))
  )
}

/**
 * @param enabledProviders providers the client may route to; `undefined` for every provider (a
 * client configured with neither `providers` nor `allowedProviders`).
 * @example
 * const policy = createTrustPolicy({ allowedBaseUrls: ['https://gateway.internal'], enabledProviders: new Set(['openai']) })
 * policy.checkProvider('anthropic') // throws InvalidArgumentError (field 'model')
 */
export function createTrustPolicy(options: {
  allowedBaseUrls: readonly string[]
  enabledProviders: ReadonlySet<string> | undefined
}): TrustPolicy {
  const allowed = options.allowedBaseUrls.map(toPrefix).filter((p): p is UrlPrefix => p !== undefined)
  const enabled = options.enabledProviders
  return {
    checkProvider(provider) {
      if (enabled === undefined || enabled.has(provider)) return
      throw new InvalidArgumentError(
        `provider "${provider}" is not enabled on this client; enabled: ${[...enabled].join(', ') || 'none'} (add it to providers or allowedProviders)`,
        { field: 'model' },
      )
    },
    allowsBaseUrl(baseUrl, configuredBaseUrl) {
      const url = toPrefix(baseUrl)
      if (url === undefined) return false
      const configured = configuredBaseUrl === undefined ? undefined : toPrefix(configuredBaseUrl)
      if (configured !== undefined && configured.origin === url.origin) return true
      return allowed.some((prefix) => matches(prefix, url))
    },
  }
}
