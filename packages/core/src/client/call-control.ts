import { TimeoutError } from '../errors/errors.js'
import { callerDeadline } from '../session/request-tracker.js'
import type { AbortSource, CloseSource } from './client-options.js'

/**
 * The smallest request signal undici accepts: `aborted`, `reason`, and EventEmitter-style
 * `on`/`once`/`removeListener` for `'abort'` (undici documents an EventEmitter as a signal).
 */
export interface RequestSignal {
  readonly aborted: boolean
  readonly reason: unknown
  on(event: 'abort', listener: () => void): this
  once(event: 'abort', listener: () => void): this
  removeListener(event: 'abort', listener: () => void): this
}

/** One call's abort signal: the caller's signals, `abort()`, and the total deadline, merged. */
export interface CallControl {
  /** An AbortSignal for the call, made on first use: most calls never need one. */
  readonly signal: AbortSignal
  /** What the call's HTTP requests take as their `signal`: far cheaper per call than an AbortController. */
  readonly requestSignal: RequestSignal
  readonly aborted: boolean
  abort(reason: unknown): void
  remainingMs(): number
  /**
   * Stops the total timer: a stream's response arrived, and from then on its idle (and optional
   * stream) timeout rule, as in openai-node and the Anthropic SDK. Caller signals still abort.
   */
  stopTotalTimer(): void
  /** The error to surface: the abort reason (caller's AbortError or the total TimeoutError) once aborted. */
  translate(error: unknown): unknown
  dispose(): void
}

const maxTimer = 2 ** 31 - 1

class Control implements CallControl, RequestSignal {
  aborted = false
  reason: unknown
  readonly #deadline: number
  #controller: AbortController | undefined
  /** In its timeout's deadline list (the total timer runs). */
  #timed = false
  /** Neighbours in that list. */
  previous: Control | undefined
  next: Control | undefined
  #cleanups: Array<() => void> | undefined
  #listeners: Array<() => void> | undefined

  constructor(timeoutMs: number) {
    this.#deadline = performance.now() + timeoutMs
  }

  // 'abort' happens once, so on() and once() are the same; listeners are dropped when it happens.
  on(event: 'abort', listener: () => void): this {
    if (event !== 'abort') return this
    if (this.#listeners === undefined) this.#listeners = []
    this.#listeners.push(listener)
    return this
  }

  once(event: 'abort', listener: () => void): this {
    return this.on(event, listener)
  }

  removeListener(event: 'abort', listener: () => void): this {
    const index = event === 'abort' && this.#listeners !== undefined ? this.#listeners.indexOf(listener) : -1
    if (index !== -1) this.#listeners!.splice(index, 1)
    return this
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController()
      if (this.aborted) this.#controller.abort(this.reason)
    }
    return this.#controller.signal
  }

  /** Read by the session's request tracker: no second total timer for a request this call aborts first. */
  get [callerDeadline](): number {
    return this.#timed ? this.#deadline : Number.POSITIVE_INFINITY
  }

  get requestSignal(): RequestSignal {
    return this
  }

  abort(reason: unknown): void {
    if (this.aborted) return
    this.aborted = true
    this.reason = reason
    this.#controller?.abort(reason)
    const listeners = this.#listeners
    this.#listeners = undefined
    if (listeners !== undefined) for (const listener of listeners) listener()
  }

  remainingMs(): number {
    return this.#deadline - performance.now()
  }

  translate(error: unknown): unknown {
    return this.aborted ? this.reason : error
  }

  stopTotalTimer(): void {
    if (!this.#timed) return
    this.#timed = false
    this.list?.remove(this)
  }

  get deadline(): number {
    return this.#deadline
  }

  /** The deadline list the control is in while its total timer runs. */
  list: DeadlineList | undefined

  dispose(): void {
    this.stopTotalTimer()
    const cleanups = this.#cleanups
    this.#cleanups = undefined
    if (cleanups !== undefined) for (const cleanup of cleanups) cleanup()
  }

  follow(sources: readonly AbortSource[]): void {
    for (const source of sources) {
      if (!(source instanceof AbortSignal)) {
        if (this.#followResponse(source)) break
        continue
      }
      const onAbort = () =>
        this.abort(source.reason ?? new DOMException('This operation was aborted', 'AbortError'))
      if (source.aborted) {
        onAbort()
        break
      }
      source.addEventListener('abort', onAbort, { once: true })
      if (this.#cleanups === undefined) this.#cleanups = []
      this.#cleanups.push(() => source.removeEventListener('abort', onAbort))
    }
  }

  /** Aborts when the response closes before it finished; true when it is gone already. */
  #followResponse(response: CloseSource): boolean {
    const onClose = () => {
      if (!response.writableFinished) this.abort(new DOMException('This operation was aborted', 'AbortError'))
    }
    if (response.destroyed === true && !response.writableFinished) {
      onClose()
      return true
    }
    response.once('close', onClose)
    if (this.#cleanups === undefined) this.#cleanups = []
    this.#cleanups.push(() => response.removeListener('close', onClose))
    return false
  }

  startTimer(timeoutMs: number): void {
    this.#timed = true
    deadlineList(timeoutMs).add(this)
  }

  /** Called by its deadline list when the total timeout passed. */
  expire(timeoutMs: number): void {
    this.#timed = false
    this.abort(
      new TimeoutError(`the call took longer than its total timeout of ${timeoutMs} ms`, {
        timeout: 'total',
        retryable: false,
      }),
    )
  }
}

/**
 * The total deadlines of calls with one timeout value, in one linked list with one timer, as
 * Node's own timers are kept per duration: calls with the same timeout end in the order they
 * started, so the list is ordered by adding at its tail. A call costs two links on its control, not
 * a Timeout object and a closure of its own; ending early unlinks it.
 */
class DeadlineList {
  readonly #timeoutMs: number
  #head: Control | undefined
  #tail: Control | undefined
  #timer: NodeJS.Timeout | undefined
  /** The deadline the timer is set for. */
  #armedFor = Number.POSITIVE_INFINITY

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs
  }

  add(control: Control): void {
    control.list = this
    control.previous = this.#tail
    control.next = undefined
    if (this.#tail === undefined) this.#head = control
    else this.#tail.next = control
    this.#tail = control
    if (this.#timer === undefined) this.#arm(control.deadline)
  }

  remove(control: Control): void {
    if (control.list !== this) return
    const { previous, next } = control
    if (previous === undefined) this.#head = next
    else previous.next = next
    if (next === undefined) this.#tail = previous
    else next.previous = previous
    control.list = control.previous = control.next = undefined
    // The timer stays set for an earlier deadline: when it fires it finds the new head and waits on.
    if (this.#head === undefined && this.#timer !== undefined) {
      clearTimeout(this.#timer)
      this.#timer = undefined
      this.#armedFor = Number.POSITIVE_INFINITY
    }
  }

  #arm(deadline: number): void {
    const delay = Math.max(1, deadline - performance.now())
    // Past the longest timer Node sets, it fires early: then only the clock says what is due.
    this.#armedFor = delay > maxTimer ? Number.NEGATIVE_INFINITY : deadline
    this.#timer = setTimeout(onDeadline, Math.min(delay, maxTimer), this)
    this.#timer.unref?.()
  }

  fire(): void {
    this.#timer = undefined
    const now = performance.now()
    const due = this.#armedFor
    this.#armedFor = Number.POSITIVE_INFINITY
    // Every control whose deadline passed (a timer fires no earlier than it was set for: the one it
    // was set for is due whatever the clock reads).
    for (
      let head = this.#head;
      head !== undefined && (head.deadline <= now || head.deadline <= due);
      head = this.#head
    ) {
      this.remove(head)
      head.expire(this.#timeoutMs)
    }
    if (this.#head !== undefined && this.#timer === undefined) this.#arm(this.#head.deadline)
  }
}

function onDeadline(list: DeadlineList): void {
  list.fire()
}

const deadlineLists = new Map<number, DeadlineList>()

function deadlineList(timeoutMs: number): DeadlineList {
  let list = deadlineLists.get(timeoutMs)
  if (list === undefined) {
    list = new DeadlineList(timeoutMs)
    // Bounded: timeouts computed per call (a remaining budget) must not grow it without end; a
    // list dropped here keeps working for the calls in it.
    if (deadlineLists.size >= 64) deadlineLists.clear()
    deadlineLists.set(timeoutMs, list)
  }
  return list
}

/**
 * @example
 * const control = createCallControl(600_000, [request.signal])
 * try { await work(control.signal) } catch (e) { throw control.translate(e) } finally { control.dispose() }
 */
export function createCallControl(timeoutMs: number, signals: readonly AbortSource[]): CallControl {
  const control = new Control(timeoutMs)
  if (signals.length > 0) control.follow(signals)
  control.startTimer(timeoutMs)
  return control
}
