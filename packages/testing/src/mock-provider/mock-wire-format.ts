import type { OutgoingHttpHeaders } from 'node:http'
import type { MockExchange } from './mock-exchange.js'

export interface MockErrorResponse {
  status: number
  body: unknown
  headers?: OutgoingHttpHeaders
}

/** What the mock needs from each provider's wire format. */
export interface MockWireFormat {
  /** The provider's own error body for a status. */
  error(exchange: MockExchange, status: number, message: string): MockErrorResponse
  /** Headers that carry this provider's credential on a route, most usual first (`query-key` = `?key=`). */
  credentialHeaders(route: string): string[]
  /** The provider's answer to missing credentials, or undefined when the request may pass. */
  authenticate(
    exchange: MockExchange,
    authHeader: string | undefined,
  ): MockErrorResponse | undefined | Promise<MockErrorResponse | undefined>
  /** Answers a request that carries no fault (or a body/stream fault that the senders apply). */
  handle(exchange: MockExchange): Promise<void>
}
