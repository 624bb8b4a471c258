import { describe, expect, it } from 'vitest'
import { InvalidArgumentError } from '../errors/errors.js'
import { createSession } from '../session/create-session.js'
import { createBindingRuntime } from './create-binding-runtime.js'
import { validateBindingOptions } from './validate-binding-options.js'

const settings = { framework: 'express' }

function fieldOf(options: unknown): string | undefined {
  try {
    validateBindingOptions(options, settings)
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError)
    expect((error as Error).message).toMatch(/^@llm-session\/express: /)
    return (error as InvalidArgumentError).field
  }
  return undefined
}

describe('validateBindingOptions', () => {
  it('names the field of each bad option', () => {
    expect(fieldOf('yes')).toBe('options')
    expect(fieldOf({ sesion: {} })).toBe('sesion')
    expect(fieldOf({ session: 'shared' })).toBe('session')
    expect(fieldOf({ client: [] })).toBe('client')
    expect(fieldOf({ client: { session: {} } })).toBe('client.session')
    expect(fieldOf({ closeSession: 'true' })).toBe('closeSession')
  })

  it('checks nested session and client options, naming their path', () => {
    expect(fieldOf({ session: { connections: 0 } })).toBe('session.connections')
    expect(fieldOf({ session: { conections: 2 } })).toBe('session.conections')
    expect(fieldOf({ client: { retries: 99 } })).toBe('client.retries')
    expect(fieldOf({ client: { providers: { opnai: {} } } })).toBe('client.providers.opnai')
    expect(() => validateBindingOptions({ session: { connections: 0 } }, settings)).toThrow(
      /^@llm-session\/express: session\.connections: connections must be/,
    )
  })

  it('accepts nothing, and the three known options', () => {
    expect(validateBindingOptions(undefined, settings)).toEqual({})
    expect(
      fieldOf({ session: { connections: 4 }, client: { retries: 0 }, closeSession: false }),
    ).toBeUndefined()
  })

  it('refuses a misspelled client option at registration, naming its path', () => {
    expect(fieldOf({ client: { maxRetries: 0 } })).toBe('client.maxRetries')
  })

  it('refuses a session that is already closed', async () => {
    const session = createSession()
    await session.close()
    expect(fieldOf({ session })).toBe('session')
  })
})

describe('createBindingRuntime', () => {
  it('owns and closes the session it created, once', async () => {
    const runtime = createBindingRuntime({ session: { connections: 2 } }, settings)
    expect(runtime.ownsSession).toBe(true)
    expect(runtime.closesSession).toBe(true)
    expect(runtime.close()).toBe(runtime.close())
    await runtime.close()
    expect(runtime.session.closed).toBe(true)
  })

  it('leaves a borrowed session open unless closeSession is true', async () => {
    const session = createSession()
    const borrowed = createBindingRuntime({ session }, settings)
    expect(borrowed.session).toBe(session)
    expect(borrowed.ownsSession).toBe(false)
    await borrowed.close()
    expect(session.closed).toBe(false)
    const handedOver = createBindingRuntime({ session, closeSession: true }, settings)
    expect(handedOver.ownsSession).toBe(false)
    await handedOver.close()
    expect(session.closed).toBe(true)
  })

  it('validates before creating anything', () => {
    expect(() => createBindingRuntime({ closeSession: 1 } as never, settings)).toThrow(InvalidArgumentError)
  })
})
