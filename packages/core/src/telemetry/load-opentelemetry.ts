import { createRequire } from 'node:module'
import type * as OpenTelemetryApi from '@opentelemetry/api'

export type OpenTelemetryModule = typeof OpenTelemetryApi

// Where @opentelemetry/api 1.x keeps what an SDK registered (its `registerGlobal`): one property read
// tells whether any SDK is there, without loading the API.
const globalKey = Symbol.for('opentelemetry.js.api.1')

interface OpenTelemetryGlobal {
  trace?: unknown
  metrics?: unknown
}

/** True when an OTel SDK registered a global tracer or meter provider. */
export function isOpenTelemetryRegistered(): boolean {
  const registered = (globalThis as Record<symbol, OpenTelemetryGlobal | undefined>)[globalKey]
  return registered !== undefined && (registered.trace !== undefined || registered.metrics !== undefined)
}

let api: OpenTelemetryModule | null | undefined

/**
 * `@opentelemetry/api`, loaded on first use: an optional peer dependency, so `null` when it is not
 * installed. Never loaded while no SDK is registered and no provider was given.
 */
export function loadOpenTelemetry(): OpenTelemetryModule | null {
  if (api !== undefined) return api
  try {
    const require = createRequire(typeof __filename === 'string' ? __filename : import.meta.url)
    api = require('@opentelemetry/api') as OpenTelemetryModule
  } catch {
    api = null
  }
  return api
}
