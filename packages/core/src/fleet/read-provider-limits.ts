import type { ObservedProviderLimits } from './limit-store.js'

const finiteCount = (value: string | undefined): number | undefined => {
  if (value === undefined || value.trim() === '') return undefined
  const count = Number(value)
  return Number.isFinite(count) && count >= 0 ? count : undefined
}

/**
 * What a response's headers say is left of the key's limits: OpenAI and Azure
 * `x-ratelimit-remaining-requests|tokens`, Anthropic `anthropic-ratelimit-requests|tokens-remaining`.
 * Undefined when the provider sent none.
 * @example
 * readProviderLimits({ 'x-ratelimit-remaining-requests': '4999' }) // { remainingRequests: 4999 }
 */
export function readProviderLimits(headers: Record<string, string>): ObservedProviderLimits | undefined {
  const remainingRequests =
    finiteCount(headers['x-ratelimit-remaining-requests']) ??
    finiteCount(headers['anthropic-ratelimit-requests-remaining'])
  const remainingTokens =
    finiteCount(headers['x-ratelimit-remaining-tokens']) ??
    finiteCount(headers['anthropic-ratelimit-tokens-remaining'])
  if (remainingRequests === undefined && remainingTokens === undefined) return undefined
  const observed: ObservedProviderLimits = {}
  if (remainingRequests !== undefined) observed.remainingRequests = remainingRequests
  if (remainingTokens !== undefined) observed.remainingTokens = remainingTokens
  return observed
}
