import { inspect } from 'node:util'
import type { Dispatcher } from 'undici'
import type { UndiciModule } from './load-undici.js'

/** What the session dispatcher needs from its session; never the session object itself. */
export interface SessionDispatcherControl {
  readonly id: string
  readonly closed: boolean
  dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean
  close(): Promise<void>
  destroy(reason?: Error): Promise<void>
}

type Callback = (error: Error | null, data: null) => void
type SessionDispatcherClass = new (control: SessionDispatcherControl) => Dispatcher

let SessionDispatcher: SessionDispatcherClass | undefined

/**
 * `session.dispatcher`: a real undici Dispatcher (so `request()`, `stream()`, `compose()` and
 * `fetch(url, { dispatcher })` work) whose `close()` and `destroy()` are the session's own.
 * The class extends undici's, which is loaded lazily, so it is defined on first use.
 */
export function createSessionDispatcher(undici: UndiciModule, control: SessionDispatcherControl): Dispatcher {
  SessionDispatcher ??= defineSessionDispatcher(undici)
  return new SessionDispatcher(control)
}

function defineSessionDispatcher(undici: UndiciModule): SessionDispatcherClass {
  class SessionDispatcher extends undici.Dispatcher {
    readonly #control: SessionDispatcherControl

    constructor(control: SessionDispatcherControl) {
      super()
      this.#control = control
    }

    get closed(): boolean {
      return this.#control.closed
    }

    override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
      return this.#control.dispatch(options, handler)
    }

    // @ts-expect-error undici declares overloads; one implementation serves both the promise and callback forms.
    override close(callback?: Callback): Promise<void> | undefined {
      return settle(this.#control.close(), callback)
    }

    // @ts-expect-error as for close().
    override destroy(error?: Error | Callback | null, callback?: Callback): Promise<void> | undefined {
      if (typeof error === 'function') return settle(this.#control.destroy(), error)
      return settle(this.#control.destroy(error ?? undefined), callback)
    }

    [inspect.custom](): string {
      return `SessionDispatcher { session: '${this.#control.id}', closed: ${this.#control.closed} }`
    }

    toJSON(): object {
      return { session: this.#control.id, closed: this.#control.closed }
    }
  }
  return SessionDispatcher as unknown as SessionDispatcherClass
}

function settle(promise: Promise<void>, callback: Callback | undefined): Promise<void> | undefined {
  if (typeof callback !== 'function') return promise
  promise.then(
    () => callback(null, null),
    (error: Error) => callback(error, null),
  )
  return undefined
}

/** Fails a dispatch the way undici's own closed dispatchers do: through the handler, synchronously. */
export function rejectAtOnce(handler: Dispatcher.DispatchHandler, error: Error): boolean {
  if (typeof handler.onResponseError === 'function') {
    const controller = {
      aborted: true,
      paused: false,
      reason: error,
      abort() {},
      pause() {},
      resume() {},
    }
    handler.onResponseError(controller, error)
  } else if (typeof handler.onError === 'function') handler.onError(error)
  else throw error
  return false
}
