import { validateApiKey, validateBaseUrl, validateHeaders } from '../client/validate-request.js'
import { InvalidArgumentError } from '../errors/errors.js'
import type { CompletionRequest, EmbeddingRequest } from '../types/request.js'
import type { CooldownPolicy, DeploymentLimits, LimitStore } from './limit-store.js'

/**
 * One place a model group's calls can go: a provider's model at a base URL with a key, and its limits.
 * @example
 * const primary: DeploymentOptions = { model: 'openai/gpt-4o', apiKey: process.env.OPENAI_KEY_A, limits: { requestsPerMinute: 1200, tokensPerMinute: 60_000 } }
 */
export interface DeploymentOptions {
  /** `provider/model`, as in a call. */
  model: string
  /**
   * Names the deployment in `getCallInfo(result).deployment` and keys its shared limits: give every
   * instance of a fleet the same ids. Default: `model` (with `#2`, `#3`… for repeats).
   */
  id?: string
  apiKey?: string
  baseUrl?: string
  headers?: Record<string, string>
  /** Share of the traffic under the `weighted` strategy. Default 1. */
  weight?: number
  limits?: DeploymentLimits
}

/**
 * `ClientOptions.deployments`: the model names callers use, each mapped to its deployments.
 * @example
 * const deployments: ModelGroups = { chat: [{ model: 'openai/gpt-4o', weight: 3 }, { model: 'azure/gpt-4o-eu', baseUrl }] }
 */
export type ModelGroups = Record<string, DeploymentOptions[]>

/** How a group picks its next deployment among the healthy ones. */
export type RoutingStrategy = 'weighted' | 'least-busy' | 'lowest-latency'

/**
 * `ClientOptions.routing`: how calls to a model group are routed, limited and retried elsewhere.
 * @example
 * const routing: RoutingOptions = { strategy: 'least-busy', store: createRedisLimitStore({ redis }), fallbacks: { chat: ['chat-small'] } }
 */
export interface RoutingOptions {
  /** Default `weighted`: random in proportion to `weight`. */
  strategy?: RoutingStrategy
  /** Where limits and cooldowns live. Default: a new in-memory store (this process only). */
  store?: LimitStore
  /** Groups (or `provider/model` strings) tried, in order, when a group's deployments all fail or are limited. */
  fallbacks?: Record<string, string[]>
  /** Longest wait for capacity, in ms (never past the call's timeout). Default: half the call's timeout. */
  maxQueueWait?: number
  cooldown?: CooldownPolicy
  /** Tokens a call is counted for before it is sent. Default: `estimateCallTokens`. */
  estimateTokens?: (request: Readonly<CompletionRequest> | Readonly<EmbeddingRequest>) => number
}

/** A deployment with its id fixed and options checked. */
export interface ResolvedDeployment extends DeploymentOptions {
  id: string
  weight: number
  limits: DeploymentLimits
  provider: string
  /** The model without its provider prefix. */
  providerModel: string
}

const limitFields = ['requestsPerMinute', 'tokensPerMinute', 'maxConcurrent', 'windowMs'] as const

function checkPositive(value: unknown, field: string): void {
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value <= 0))
    throw new InvalidArgumentError(`${field} must be a number > 0`, { field })
}

/** Checks the groups eagerly (no I/O) and gives every deployment its id. */
export function resolveModelGroups(
  groups: unknown,
  isProvider: (name: string) => boolean,
  defaultsOf: (provider: string) => { apiKey?: string | undefined; baseUrl?: string | undefined },
): Map<string, ResolvedDeployment[]> {
  const resolved = new Map<string, ResolvedDeployment[]>()
  if (groups === undefined) return resolved
  if (typeof groups !== 'object' || groups === null || Array.isArray(groups))
    throw new InvalidArgumentError('deployments must be an object of model names to deployment lists', {
      field: 'deployments',
    })
  const ids = new Set<string>()
  for (const [name, list] of Object.entries(groups)) {
    const field = `deployments.${name}`
    if (!Array.isArray(list) || list.length === 0)
      throw new InvalidArgumentError(`${field} must be a non-empty array of deployments`, { field })
    resolved.set(
      name,
      list.map((entry: DeploymentOptions, index) => {
        const at = `${field}[${index}]`
        if (typeof entry !== 'object' || entry === null)
          throw new InvalidArgumentError(`${at} must be an object`, { field: at })
        const slash = typeof entry.model === 'string' ? entry.model.indexOf('/') : -1
        const provider = slash > 0 ? entry.model.slice(0, slash) : ''
        if (slash <= 0 || slash === entry.model.length - 1 || !isProvider(provider))
          throw new InvalidArgumentError(`${at}.model must be \`provider/model\` with a known provider`, {
            field: `${at}.model`,
          })
        validateApiKey(entry.apiKey, `${at}.apiKey`)
        validateBaseUrl(entry.baseUrl, `${at}.baseUrl`)
        validateHeaders(entry.headers, `${at}.headers`)
        checkPositive(entry.weight, `${at}.weight`)
        if (entry.limits !== undefined && (typeof entry.limits !== 'object' || entry.limits === null))
          throw new InvalidArgumentError(`${at}.limits must be an object`, { field: `${at}.limits` })
        for (const limit of limitFields) checkPositive(entry.limits?.[limit], `${at}.limits.${limit}`)
        if (entry.id !== undefined && (typeof entry.id !== 'string' || entry.id === ''))
          throw new InvalidArgumentError(`${at}.id must be a non-empty string`, { field: `${at}.id` })
        let id = entry.id ?? entry.model
        if (entry.id === undefined) for (let n = 2; ids.has(id); n++) id = `${entry.model}#${n}`
        ids.add(id)
        // Fixed now, so no run of another deployment lends it its key or base URL.
        const defaults = defaultsOf(provider)
        return {
          ...entry,
          apiKey: entry.apiKey ?? defaults.apiKey,
          baseUrl: entry.baseUrl ?? defaults.baseUrl,
          id,
          weight: entry.weight ?? 1,
          limits: { ...entry.limits },
          provider,
          providerModel: entry.model.slice(slash + 1),
        }
      }),
    )
  }
  return resolved
}

/** Checks `routing` eagerly; fallbacks must name groups or `provider/model` strings. */
export function validateRoutingOptions(routing: unknown, groups: Map<string, ResolvedDeployment[]>): void {
  if (routing === undefined) return
  if (typeof routing !== 'object' || routing === null)
    throw new InvalidArgumentError('routing must be an object', { field: 'routing' })
  const options = routing as RoutingOptions
  if (
    options.strategy !== undefined &&
    !['weighted', 'least-busy', 'lowest-latency'].includes(options.strategy)
  )
    throw new InvalidArgumentError('routing.strategy must be weighted, least-busy or lowest-latency', {
      field: 'routing.strategy',
    })
  checkPositive(options.maxQueueWait, 'routing.maxQueueWait')
  const store = options.store as Partial<LimitStore> | undefined
  if (
    store !== undefined &&
    (typeof store?.acquire !== 'function' ||
      typeof store.settle !== 'function' ||
      typeof store.cooldownLeftMs !== 'function')
  )
    throw new InvalidArgumentError('routing.store must be a LimitStore (acquire, settle, cooldownLeftMs)', {
      field: 'routing.store',
    })
  if (options.estimateTokens !== undefined && typeof options.estimateTokens !== 'function')
    throw new InvalidArgumentError('routing.estimateTokens must be a function', {
      field: 'routing.estimateTokens',
    })
  for (const [name, targets] of Object.entries(options.fallbacks ?? {})) {
    const field = `routing.fallbacks.${name}`
    if (!Array.isArray(targets))
      throw new InvalidArgumentError(`${field} must be an array of model names`, { field })
    targets.forEach((target, index) => {
      if (typeof target !== 'string' || (!groups.has(target) && !target.includes('/')))
        throw new InvalidArgumentError(`${field}[${index}] must be a model group or \`provider/model\``, {
          field: `${field}[${index}]`,
        })
    })
  }
}
