import { expectTypeOf, it } from 'vitest'
import {
  type CallMiddleware,
  type CallOutcome,
  type ClientOptions,
  createClient,
  type LlmCall,
} from '../packages/core/src/index.js'

it('types a middleware as (call, next) => Promise<CallOutcome>', () => {
  const passThrough: CallMiddleware = (call, next) => {
    expectTypeOf(call).toEqualTypeOf<LlmCall>()
    expectTypeOf(call.operation).toEqualTypeOf<'chat' | 'stream' | 'embedding'>()
    return next({ provider: 'azure', model: 'gpt-4o' })
  }
  expectTypeOf(passThrough).returns.toEqualTypeOf<Promise<CallOutcome>>()
  createClient({ middleware: [passThrough], telemetry: { captureContent: false } })
  // @ts-expect-error a middleware must hand back next()'s outcome, not its own value
  const wrong: CallMiddleware = async () => 'done'
  // @ts-expect-error a route takes no unknown field
  const badRoute: CallMiddleware = (_call, next) => next({ region: 'eu' })
  // @ts-expect-error telemetry is a boolean or an options object
  const badTelemetry: ClientOptions = { telemetry: 'on' }
  void [wrong, badRoute, badTelemetry]
})
