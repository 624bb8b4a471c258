import type { Dispatcher } from 'undici'
import type { ClientOptions } from '../client/client-options.js'
import { createClient } from '../client/create-client.js'
import { InvalidArgumentError } from '../errors/errors.js'
import type { LlmSession } from '../session/create-session.js'
import type { SessionOptions } from '../session/session-options.js'
import { validateSessionOptions } from '../session/validate-session-options.js'

/** The options every framework binding takes: `{ session?, client?, closeSession? }`. */
export interface BindingOptions {
  /** A session to borrow, or options for the one the binding creates (and then owns). */
  session?: LlmSession | SessionOptions
  /** Client options (retries, timeout, providers, logger...). The session comes from `session`. */
  client?: Omit<ClientOptions, 'session'>
  /** Close a borrowed session when the app closes. Default `false`; an owned session is always closed. */
  closeSession?: boolean
}

const knownOptions = new Set(['session', 'client', 'closeSession'])

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** @internal A session, as opposed to session options: duck-typed so two copies of core agree. */
export function isSession(value: unknown): value is LlmSession {
  if (!isPlainObject(value)) return false
  return (
    typeof value.close === 'function' &&
    typeof value.destroy === 'function' &&
    typeof value.stats === 'function' &&
    typeof value.dispatcher === 'object'
  )
}

/**
 * Checks a binding's options before anything is created and throws an `InvalidArgumentError` naming
 * the field (an unknown option is named as its own field; a nested one by its path, e.g.
 * `session.connections`, `client.providers.opnai`). `framework` prefixes the message, so it
 * says where the options came from. Returns the options, typed.
 * @example
 * static forRoot(options) {
 *   validateBindingOptions(options, { framework: 'nestjs' }) // throws at module setup
 *   return super.forRoot(options)
 * }
 */
export function validateBindingOptions(options: unknown, settings: { framework: string }): BindingOptions {
  const label = `@llm-session/${settings.framework}`
  if (options === undefined || options === null) return {}
  if (!isPlainObject(options))
    throw new InvalidArgumentError(`${label}: options must be an object`, { field: 'options' })
  for (const key of Object.keys(options)) {
    if (!knownOptions.has(key))
      throw new InvalidArgumentError(
        `${label}: unknown option "${key}" (expected session, client or closeSession)`,
        { field: key },
      )
  }
  // Own properties only: a polluted Object.prototype.client must not configure the app's client.
  const own = (name: string) => (Object.hasOwn(options, name) ? options[name] : undefined)
  const session = own('session')
  const client = own('client')
  const closeSession = own('closeSession')
  if (session !== undefined && !isPlainObject(session))
    throw new InvalidArgumentError(`${label}: session must be an LlmSession or session options`, {
      field: 'session',
    })
  if (isSession(session) && session.closed)
    throw new InvalidArgumentError(`${label}: the session given is already closed`, { field: 'session' })
  if (client !== undefined && !isPlainObject(client))
    throw new InvalidArgumentError(`${label}: client must be an object of client options`, {
      field: 'client',
    })
  if (client !== undefined && Object.hasOwn(client, 'session'))
    throw new InvalidArgumentError(`${label}: give the session as the top-level "session" option`, {
      field: 'client.session',
    })
  if (closeSession !== undefined && typeof closeSession !== 'boolean')
    throw new InvalidArgumentError(`${label}: closeSession must be a boolean`, { field: 'closeSession' })
  if (session !== undefined && !isSession(session))
    checkNested(label, 'session', () => validateSessionOptions(session))
  // The client's own checks, run on a dispatcher that is never called: one place holds its rules,
  // and nothing is created or opened.
  if (client !== undefined)
    checkNested(label, 'client', () => createClient({ ...client, session: inertDispatcher }))
  const valid: BindingOptions = Object.create(null)
  if (session !== undefined) valid.session = session as BindingOptions['session']
  if (client !== undefined) valid.client = client as BindingOptions['client']
  if (closeSession !== undefined) valid.closeSession = closeSession
  return valid
}

const inertDispatcher = { dispatch: () => false } as unknown as Dispatcher

// Prefixes a nested option's error with the package and the option's path (`session.connections`).
function checkNested(label: string, prefix: string, check: () => void): void {
  try {
    check()
  } catch (error) {
    if (!(error instanceof InvalidArgumentError)) throw error
    const field = error.field === undefined || error.field === 'options' ? prefix : `${prefix}.${error.field}`
    throw new InvalidArgumentError(`${label}: ${field}: ${error.message}`, { field, cause: error })
  }
}
