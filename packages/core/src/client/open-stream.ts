import type { CompletionRequest } from '../types/request.js'
import type { CallControl } from './call-control.js'
import type { CallScope } from './call-scope.js'
import type { HttpResponse } from './http-transport.js'
import type { PreparedCall } from './prepare-call.js'
import { providerCallContext, sendChecked, withRetries } from './run-call.js'
import { runWithMiddleware } from './run-with-middleware.js'

/** Sends a stream's request with retries, up to its response head. */
export function openStream(
  call: PreparedCall,
  control: CallControl,
  request: CompletionRequest,
): Promise<{ value: HttpResponse; attempts: number }> {
  return withRetries(call, control, async () => {
    const built = await call.provider.createChatRequest(request, providerCallContext(call, control), {
      stream: true,
    })
    return sendChecked(call, control, built, true)
  })
}

/** openStream through the client's middleware: a run ends at the response head, before any chunk. */
export function openStreamWithMiddleware(
  call: PreparedCall,
  control: CallControl,
  request: CompletionRequest,
) {
  return runWithMiddleware(
    call.middleware!,
    call,
    request,
    'stream',
    control,
    async (routed) => ({ call: routed, sent: await openStream(routed, control, request) }),
    () => undefined,
    (unused) => unused.sent.value.destroy(),
  )
}

export function reportChunks(scope: CallScope, count: number): void {
  if (!scope.streamStarted) {
    scope.streamStarted = true
    scope.firstChunk()
  }
  scope.chunks(count)
}
