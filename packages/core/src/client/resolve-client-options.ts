import type { Dispatcher } from 'undici'
import { InvalidArgumentError } from '../errors/errors.js'
import { createDeploymentRouter } from '../fleet/create-deployment-router.js'
import { resolveModelGroups, validateRoutingOptions } from '../fleet/deployment-options.js'
import { getProviderDefinition, listProviderNames } from '../providers/registry.js'
import { createSession, type LlmSession } from '../session/create-session.js'
import type { SessionOptions } from '../session/session-options.js'
import { createTelemetry } from '../telemetry/create-telemetry.js'
import type { ClientInternals, ClientOptions, ProviderSettings } from './client-options.js'
import { lowerCaseHeaders } from './merge-headers.js'
import { type ClientConfig, fromEnv } from './prepare-call.js'
import { readOwnOptions } from './read-own-options.js'
import { createCallPipeline } from './run-with-middleware.js'
import { createTrustPolicy } from './trust-policy.js'
import {
  maxTimerMs,
  validateApiKey,
  validateBaseUrl,
  validateHeaders,
  validateNumber,
} from './validate-request.js'

const knownClientOptions = new Set([
  'session',
  'providers',
  'allowedProviders',
  'allowedBaseUrls',
  'retries',
  'timeout',
  'idleTimeout',
  'readerTimeout',
  'streamTimeout',
  'maxResponseBytes',
  'maxStreamBytes',
  'headers',
  'logger',
  'middleware',
  'telemetry',
  'deployments',
  'routing',
])
const commonSettingNames = ['apiKey', 'baseUrl', 'headers']

export const clientDefaults = {
  retries: 2,
  timeout: 600_000,
  idleTimeout: 120_000,
  readerTimeout: 60_000,
  maxResponseBytes: 32 * 1024 * 1024,
  maxStreamBytes: 64 * 1024 * 1024,
} as const

const isSession = (value: unknown): value is LlmSession =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as LlmSession).id === 'string' &&
  typeof (value as LlmSession).close === 'function' &&
  typeof (value as LlmSession).dispatcher === 'object'

// A bare undici Dispatcher is borrowed as it is, like a per-call `session`.
const isDispatcher = (value: unknown): value is Dispatcher =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Dispatcher).dispatch === 'function' &&
  !('dispatcher' in value)

const unknownProvider = (name: string, field: string) =>
  new InvalidArgumentError(`unknown provider "${name}"; known providers: ${listProviderNames().join(', ')}`, {
    field,
  })

function resolveProviders(given: unknown): Record<string, ProviderSettings> {
  const providers: Record<string, ProviderSettings> = Object.create(null)
  if (given === undefined) return providers
  if (typeof given !== 'object' || given === null || Array.isArray(given))
    throw new InvalidArgumentError('providers must be an object of provider settings', { field: 'providers' })
  for (const [name, raw] of Object.entries(readOwnOptions(given, undefined, { label: '', prefix: '' }))) {
    if (raw === undefined) continue
    const definition = getProviderDefinition(name)
    if (definition === undefined) throw unknownProvider(name, `providers.${name}`)
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      throw new InvalidArgumentError(`providers.${name} must be an object`, { field: `providers.${name}` })
    const known = new Set([...commonSettingNames, ...(definition.settingNames ?? [])])
    const settings = readOwnOptions(raw, known, {
      label: `providers.${name} setting`,
      prefix: `providers.${name}.`,
    }) as ProviderSettings
    validateApiKey(settings.apiKey, `providers.${name}.apiKey`)
    validateBaseUrl(settings.baseUrl, `providers.${name}.baseUrl`)
    validateHeaders(settings.headers, `providers.${name}.headers`)
    if (settings.headers !== undefined) settings.headers = lowerCaseHeaders(settings.headers)
    providers[name] = settings
  }
  return providers
}

function resolveStringList(value: unknown, field: string, check: (item: string, field: string) => void) {
  if (value === undefined) return undefined
  if (!Array.isArray(value)) throw new InvalidArgumentError(`${field} must be an array of strings`, { field })
  for (const [index, item] of value.entries()) {
    if (typeof item !== 'string' || item === '')
      throw new InvalidArgumentError(`${field}[${index}] must be a non-empty string`, {
        field: `${field}[${index}]`,
      })
    check(item, `${field}[${index}]`)
  }
  return [...value] as string[]
}

/** `deployments` and `routing`, checked now; undefined when the client has no model groups. */
function resolveRouter(
  options: ClientOptions,
  providers: Record<string, ProviderSettings>,
  internals: ClientInternals,
) {
  const groups = resolveModelGroups(
    options.deployments,
    (name) => getProviderDefinition(name) !== undefined,
    (name) => {
      const definition = getProviderDefinition(name)
      return {
        apiKey: providers[name]?.apiKey ?? fromEnv(definition?.apiKeyEnv),
        baseUrl: providers[name]?.baseUrl ?? fromEnv(definition?.baseUrlEnv) ?? definition?.defaultBaseUrl,
      }
    },
  )
  validateRoutingOptions(options.routing, groups)
  const router = createDeploymentRouter(groups, options.routing ?? {}, internals.random)
  // The providers the developer's deployments name are enabled like those in `providers`.
  const providerNames = [...groups.values()].flat().map((deployment) => deployment.provider)
  return { router, providerNames }
}

/** Checks `createClient()` options (own properties only, unknown names refused) and resolves them. */
export function resolveClientOptions(
  options: ClientOptions,
  internals: ClientInternals,
): { config: ClientConfig; owned: LlmSession | undefined } {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new InvalidArgumentError('options must be an object', { field: 'options' })
  const own = readOwnOptions(options, knownClientOptions, {
    label: 'client option',
    prefix: '',
  }) as ClientOptions
  validateNumber(own.retries, 'retries', { min: 0, max: 10, integer: true })
  validateNumber(own.timeout, 'timeout', { min: 1, max: maxTimerMs })
  validateNumber(own.idleTimeout, 'idleTimeout', { min: 1, max: maxTimerMs })
  validateNumber(own.readerTimeout, 'readerTimeout', { min: 1, max: maxTimerMs })
  validateNumber(own.streamTimeout, 'streamTimeout', { min: 1, max: maxTimerMs })
  validateNumber(own.maxResponseBytes, 'maxResponseBytes', { min: 1, integer: true })
  validateNumber(own.maxStreamBytes, 'maxStreamBytes', { min: 1, integer: true })
  validateHeaders(own.headers, 'headers')
  if (own.logger !== undefined && (typeof own.logger !== 'object' || own.logger === null))
    throw new InvalidArgumentError('logger must be a pino-style logger object', { field: 'logger' })
  const providers = resolveProviders(own.providers)
  const allowedProviders = resolveStringList(own.allowedProviders, 'allowedProviders', (name, field) => {
    if (getProviderDefinition(name) === undefined) throw unknownProvider(name, field)
  })
  const allowedBaseUrls =
    resolveStringList(own.allowedBaseUrls, 'allowedBaseUrls', (url, field) => validateBaseUrl(url, field)) ??
    []
  // Without providers or allowedProviders every provider is enabled (a script reading env keys);
  // naming any turns routing into an allow list, so a request cannot reach another provider's env key.
  const { router, providerNames } = resolveRouter(own, providers, internals)
  const named = [...Object.keys(providers), ...(allowedProviders ?? []), ...providerNames]
  const enabledProviders = named.length === 0 && allowedProviders === undefined ? undefined : new Set(named)

  let owned: LlmSession | undefined
  let session: LlmSession | Dispatcher | undefined
  if (isSession(own.session) || isDispatcher(own.session)) session = own.session
  else if (typeof own.session === 'object' && own.session !== null)
    session = owned = createSession(own.session as SessionOptions)
  else if (own.session !== undefined)
    throw new InvalidArgumentError('session must be an LlmSession, an undici Dispatcher or session options', {
      field: 'session',
    })
  return {
    owned,
    config: {
      session,
      providers,
      trust: createTrustPolicy({ allowedBaseUrls, enabledProviders }),
      retries: own.retries ?? clientDefaults.retries,
      timeout: own.timeout ?? clientDefaults.timeout,
      idleTimeout: own.idleTimeout ?? clientDefaults.idleTimeout,
      readerTimeout: own.readerTimeout ?? clientDefaults.readerTimeout,
      streamTimeout: own.streamTimeout,
      maxResponseBytes: own.maxResponseBytes ?? clientDefaults.maxResponseBytes,
      maxStreamBytes: own.maxStreamBytes ?? clientDefaults.maxStreamBytes,
      headers: lowerCaseHeaders(own.headers),
      logger: own.logger,
      internals,
      groupBase: router?.groupBase,
      middleware: createCallPipeline(
        providers,
        // The router runs innermost: the caller's own middleware sees each call as asked.
        router === undefined || !Array.isArray(own.middleware ?? [])
          ? own.middleware
          : [...(own.middleware ?? []), router.middleware],
        createTelemetry(own.telemetry),
      ),
    },
  }
}
