import type { CallInfo } from '../types/request.js'

// An entry may be a function that builds the info: most results are never asked for theirs.
const callInfos = new WeakMap<object, CallInfo | (() => CallInfo)>()

export function setCallInfo(target: object, info: CallInfo | (() => CallInfo)): void {
  callInfos.set(target, info)
}

/**
 * What served a result: provider, model, session id, attempts, latency, request id and rate-limit
 * headers. Kept beside the result, so the OpenAI shape stays clean. Works for a completion, an
 * embedding, or a stream once its headers arrived.
 * @example
 * const res = await llm.completion(request)
 * getCallInfo(res)?.attempts
 */
export function getCallInfo(result: object): CallInfo | undefined {
  const entry = callInfos.get(result)
  if (typeof entry !== 'function') return entry
  const info = entry()
  callInfos.set(result, info)
  return info
}
