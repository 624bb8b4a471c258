import type { CallInfo } from '../types/request.js'

const callInfos = new WeakMap<object, CallInfo>()

export function setCallInfo(target: object, info: CallInfo): void {
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
  return callInfos.get(result)
}
