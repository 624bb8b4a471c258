import type { CallInfo } from '../types/request.js'

type CallInfoEntry = CallInfo | (() => CallInfo)

// A base constructor that returns the object it is given makes that object the subclass's `this`,
// so the subclass adds its private field to it. The info is kept on the result itself: not in its
// keys, JSON or inspect output, freed with it, and without the WeakMap entry per call that the
// garbage collector has to process as an ephemeron.
class Stamp {
  constructor(target: object) {
    // biome-ignore lint/correctness/noConstructorReturn: the point of this class, see above.
    return target as Stamp
  }
}

class CallInfoSlot extends Stamp {
  // An entry may be a function that builds the info: most results are never asked for theirs.
  #entry: CallInfoEntry

  private constructor(target: object, entry: CallInfoEntry) {
    super(target)
    this.#entry = entry
  }

  static write(target: object, entry: CallInfoEntry): void {
    if (#entry in target) (target as CallInfoSlot).#entry = entry
    else new CallInfoSlot(target, entry)
  }

  static read(target: object): CallInfoEntry | undefined {
    return #entry in target ? (target as CallInfoSlot).#entry : undefined
  }
}

export function setCallInfo(target: object, info: CallInfoEntry): void {
  CallInfoSlot.write(target, info)
}

/** Adds fields to a result's info, still built only when asked for. */
export function extendCallInfo(target: object, fields: Partial<CallInfo>): void {
  const entry = CallInfoSlot.read(target)
  if (entry === undefined) return
  CallInfoSlot.write(target, () => ({ ...(typeof entry === 'function' ? entry() : entry), ...fields }))
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
  if (typeof result !== 'object' || result === null) return undefined
  const entry = CallInfoSlot.read(result)
  if (typeof entry !== 'function') return entry
  const info = entry()
  CallInfoSlot.write(result, info)
  return info
}
