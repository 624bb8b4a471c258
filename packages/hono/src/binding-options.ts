import {
  type ClientOptions,
  createClient,
  createSession,
  InvalidArgumentError,
  type LlmClient,
  type LlmSession,
  type SessionLogger,
  type SessionOptions,
} from '@llm-session/core'

/** The options every llm-session binding takes. */
export interface BindingOptions {
  /** A session to borrow, or options for the one the binding creates (and then owns). */
  session?: LlmSession | SessionOptions
  /** Client options (retries, timeout, providers, logger...). The session comes from `session`. */
  client?: Omit<ClientOptions, 'session'>
  /** Close a borrowed session when the app closes. Default `false`; an owned session is always closed. */
  closeSession?: boolean
}

/** One app's session and client, and whether the app closes the session. */
export interface Binding {
  readonly session: LlmSession
  readonly client: LlmClient
  readonly closesSession: boolean
  /** Closes the session if the binding should. Idempotent: every call returns the same promise. */
  close(): Promise<void>
}

const knownOptions = new Set(['session', 'client', 'closeSession'])

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isSession(value: Record<string, unknown>): value is LlmSession & Record<string, unknown> {
  return (
    typeof value.close === 'function' &&
    typeof value.destroy === 'function' &&
    typeof value.stats === 'function' &&
    typeof value.dispatcher === 'object'
  )
}

/**
 * Checks a binding's options before anything is created and throws an `InvalidArgumentError` naming
 * the field. `label` prefixes the field (`llmSession options`) so the message says where it came from.
 */
export function validateBindingOptions(options: unknown, label: string): BindingOptions {
  if (options === undefined || options === null) return {}
  if (!isPlainObject(options))
    throw new InvalidArgumentError(`${label} must be an object`, { field: 'options' })
  for (const key of Object.keys(options)) {
    if (!knownOptions.has(key))
      throw new InvalidArgumentError(
        `${label}: unknown option "${key}" (expected session, client or closeSession)`,
        { field: key },
      )
  }
  const { session, client, closeSession } = options
  if (session !== undefined && !isPlainObject(session))
    throw new InvalidArgumentError(`${label}: session must be an LlmSession or session options`, {
      field: 'session',
    })
  if (session !== undefined && isSession(session) && session.closed)
    throw new InvalidArgumentError(`${label}: the session given is already closed`, { field: 'session' })
  if (client !== undefined && !isPlainObject(client))
    throw new InvalidArgumentError(`${label}: client must be an object of client options`, {
      field: 'client',
    })
  if (client !== undefined && 'session' in client)
    throw new InvalidArgumentError(`${label}: give the session as the top-level "session" option`, {
      field: 'client.session',
    })
  if (closeSession !== undefined && typeof closeSession !== 'boolean')
    throw new InvalidArgumentError(`${label}: closeSession must be a boolean`, { field: 'closeSession' })
  return options as BindingOptions
}

/**
 * Creates (or borrows) the app's one session and its client. `logger` is the framework's logger,
 * used where the caller gave none.
 */
export function createBinding(options: BindingOptions, logger?: SessionLogger): Binding {
  const given = options.session
  const borrowed = given !== undefined && isSession(given as Record<string, unknown>)
  const session = borrowed
    ? (given as LlmSession)
    : createSession(withLogger((given ?? {}) as SessionOptions, logger))
  const client = createClient({ ...withLogger(options.client ?? {}, logger), session })
  const closesSession = !borrowed || options.closeSession === true
  let closing: Promise<void> | undefined
  return {
    session,
    client,
    closesSession,
    close() {
      closing ??= closesSession ? session.close() : Promise.resolve()
      return closing
    },
  }
}

function withLogger<T extends { logger?: unknown }>(options: T, logger: SessionLogger | undefined): T {
  if (logger === undefined || options.logger !== undefined) return options
  return { ...options, logger }
}
