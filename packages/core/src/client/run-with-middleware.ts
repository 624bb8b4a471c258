import { InvalidArgumentError } from '../errors/errors.js'
import type { ChatCompletion, EmbeddingResponse } from '../types/chat.js'
import type { CompletionRequest, EmbeddingRequest } from '../types/request.js'
import { type CallControl, createCallControl } from './call-control.js'
import {
  type CallMiddleware,
  type CallOperation,
  type CallOutcome,
  type ComposedMiddleware,
  composeCallMiddleware,
} from './call-middleware.js'
import { CallScope } from './call-scope.js'
import type { ClientConfig, PreparedCall } from './prepare-call.js'

/** A client's middleware chain with what rerouting needs: the client's provider settings. */
export interface CallChain {
  readonly run: ComposedMiddleware
  readonly providers: ClientConfig['providers']
}

/**
 * Runs one call through its middleware. `run` is the call itself on one route (a completion's
 * retry loop and parse, or a stream's retries up to its response head); middleware may start it
 * again on another route. The call's control (caller's signal, total deadline) spans every run.
 * `discard` releases a run's value the middleware did not return (a stream's unused response).
 */
export async function runWithMiddleware<T>(
  chain: CallChain,
  call: PreparedCall,
  request: CompletionRequest | EmbeddingRequest,
  operation: CallOperation,
  control: CallControl,
  run: (routed: PreparedCall) => Promise<T>,
  resultOf: (value: T) => CallOutcome['result'],
  discard?: (value: T) => void,
): Promise<{ value: T; scope: CallScope }> {
  const scope = new CallScope(chain.providers, call, request, operation, control)
  const values = new Map<CallOutcome, T>()
  try {
    const outcome = await chain.run(scope, async (route) => {
      if (control.aborted) throw control.translate(undefined)
      const routed = scope.beginRun(route)
      const value = await run(routed)
      const settled: CallOutcome = { route: scope.currentRoute, result: resultOf(value) }
      values.set(settled, value)
      if (operation === 'stream') scope.streamOpened = true
      return settled
    })
    const value = values.get(outcome)
    if (discard !== undefined) for (const [other, unused] of values) if (other !== outcome) discard(unused)
    // A middleware must hand back a run's outcome: anything else has no result to give the caller.
    if (value === undefined)
      throw new TypeError('a call middleware must resolve with an outcome next() gave it')
    return { value, scope }
  } catch (error) {
    if (discard !== undefined) for (const unused of values.values()) discard(unused)
    const translated = control.translate(error)
    scope.end({ error: translated })
    throw translated
  }
}

/** A completion or embedding through the client's middleware, which may run it more than once. */
export async function runJsonWithMiddleware<T extends ChatCompletion | EmbeddingResponse>(
  call: PreparedCall,
  request: CompletionRequest | EmbeddingRequest,
  operation: 'chat' | 'embedding',
  run: (routed: PreparedCall, control: CallControl) => Promise<T>,
): Promise<T> {
  const control = createCallControl(call.timeout, call.signals)
  try {
    const { value, scope } = await runWithMiddleware(
      call.middleware!,
      call,
      request,
      operation,
      control,
      (routed) => run(routed, control),
      (value) => value,
    )
    scope.end({ result: value })
    return value
  } finally {
    control.dispose()
  }
}

/** A middleware that joins the chain only while `active()` says so (telemetry with nothing listening stays out). */
export interface ConditionalMiddleware {
  readonly middleware: CallMiddleware
  active(): boolean
}

/**
 * The client's chains, composed once: with and without the conditional one. Without any
 * middleware there is no pipeline at all, and calls take the direct path.
 */
export function createCallPipeline(
  providers: ClientConfig['providers'],
  middleware: unknown,
  conditional: ConditionalMiddleware | undefined,
): ClientConfig['middleware'] {
  if (middleware !== undefined && !Array.isArray(middleware))
    throw new InvalidArgumentError('middleware must be an array of functions', { field: 'middleware' })
  const given = (middleware ?? []) as unknown[]
  given.forEach((entry, index) => {
    if (typeof entry !== 'function')
      throw new InvalidArgumentError('a middleware must be a function (call, next) => outcome', {
        field: `middleware[${index}]`,
      })
  })
  const list = [...given] as CallMiddleware[]
  const plain: CallChain | undefined =
    list.length > 0 ? { run: composeCallMiddleware(list), providers } : undefined
  if (conditional === undefined) return plain === undefined ? undefined : { select: () => plain }
  const joined: CallChain = { run: composeCallMiddleware([conditional.middleware, ...list]), providers }
  return { select: () => (conditional.active() ? joined : plain) }
}
