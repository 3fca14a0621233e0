/**
 * Per-attempt deadlines (internal): the abort signal undici is handed by `HttpClient`, and a client's
 * list of attempts in flight under one timer (`HttpClient`, the gateway client).
 */

type Listener = () => void;

/**
 * The per-attempt abort signal undici listens to (`aborted`, `reason`, `once`/`removeListener` for
 * `abort`): one listener slot (undici adds one per request) instead of an EventEmitter per attempt.
 */
export class DeadlineSignal {
  aborted = false;
  reason: unknown = undefined;
  /** Aborted by its deadline (not by the caller). */
  timedOut = false;
  /** When the attempt times out (`performance.now()` ms), and its neighbours in the client's deadline list. */
  deadline = 0;
  prev: DeadlineSignal | undefined = undefined;
  next: DeadlineSignal | undefined = undefined;
  private listener: Listener | undefined = undefined;
  private more: Listener[] | undefined = undefined;

  on(event: string, listener: Listener): this {
    if (event !== 'abort') return this;
    if (this.listener === undefined) this.listener = listener;
    else (this.more ??= []).push(listener);
    return this;
  }

  once(event: string, listener: Listener): this {
    // abort fires at most once, and every listener is dropped when it does.
    return this.on(event, listener);
  }

  removeListener(event: string, listener: Listener): this {
    if (event !== 'abort') return this;
    if (this.listener === listener) this.listener = undefined;
    else if (this.more) {
      const i = this.more.indexOf(listener);
      if (i >= 0) this.more.splice(i, 1);
    }
    return this;
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const first = this.listener;
    const more = this.more;
    this.listener = undefined;
    this.more = undefined;
    first?.();
    if (more) for (const listener of more) listener();
  }
}

/**
 * The deadlines of a client's attempts in flight, oldest first, under one timer. Every attempt has
 * the client's timeout, so the oldest attempt is the next to time out: the timer waits for it, and
 * when it fires, aborts what is due and waits for the next. An attempt adds itself to the list and
 * takes itself out when it ends: no timer is set or cleared per request (each took a Timeout, a
 * timer-list entry and native calls). The timer does not hold the process open: an attempt in
 * flight does (its socket).
 */
export class Deadlines {
  private head: DeadlineSignal | undefined = undefined;
  private tail: DeadlineSignal | undefined = undefined;
  private timer: ReturnType<typeof setTimeout> | undefined = undefined;

  constructor(readonly timeoutMs: number) {}

  add(signal: DeadlineSignal): void {
    signal.deadline = performance.now() + this.timeoutMs;
    signal.prev = this.tail;
    if (this.tail) this.tail.next = signal;
    else this.head = signal;
    this.tail = signal;
    if (this.timer === undefined) this.arm(this.timeoutMs);
  }

  /** Takes an attempt out (once; a second call, or one for an attempt already timed out, does nothing). */
  remove(signal: DeadlineSignal): void {
    const { prev, next } = signal;
    if (prev) prev.next = next;
    else if (this.head === signal) this.head = next;
    else return;
    if (next) next.prev = prev;
    else this.tail = prev;
    signal.prev = undefined;
    signal.next = undefined;
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(ms: number): void {
    this.timer = setTimeout(this.fire, Math.max(1, Math.ceil(ms)));
    this.timer.unref?.();
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    const now = performance.now();
    for (let due = this.head; due !== undefined && due.deadline <= now; due = this.head) {
      this.remove(due);
      due.timedOut = true;
      due.abort(undefined);
    }
    if (this.head) this.arm(this.head.deadline - now);
  };
}
