// The same error as @llm-session/core's InvalidArgumentError, without depending on core (core's
// own tests use this package, so the dependency would be circular). It carries core's
// `Symbol.for` brands, so `error instanceof InvalidArgumentError` from core is true as well.
const kLlmError = Symbol.for('llm-session.error')
const kErrorName = Symbol.for('llm-session.error.name')

/**
 * An option given to a testing helper is wrong. Thrown before any I/O.
 * @example
 * try { await startMockProvider({ port: -1 }) } catch (error) { console.log(error.field) } // 'port'
 */
export class InvalidArgumentError extends Error {
  readonly code = 'LLM_INVALID_ARGUMENT'
  readonly retryable = false
  /** The option that is wrong. */
  readonly field: string | undefined

  constructor(message: string, options: { field?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'InvalidArgumentError'
    this.field = options.field
  }

  get [kLlmError](): true {
    return true
  }
}

Object.defineProperty(InvalidArgumentError.prototype, kErrorName, { value: 'InvalidArgumentError' })
