/**
 * Runs tasks one at a time per key (per handover), concurrently across keys. Keeps event
 * application for one handover strictly ordered without a global lock.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    this.inFlight++;
    // Nothing queued for this key (the usual case): start at once instead of a tick later.
    const result = previous ? previous.then(task, task) : start(task);
    const tail: Promise<void> = result.then(
      () => this.settled(key, tail),
      () => this.settled(key, tail),
    );
    this.tails.set(key, tail);
    return result;
  }

  private settled(key: string, tail: Promise<void>) {
    if (this.tails.get(key) === tail) this.tails.delete(key);
    this.done();
  }

  /** Counts work that has not reached `run` yet (an ingest looking up its handover) towards `idle`. */
  track<T>(work: Promise<T>): Promise<T> {
    this.inFlight++;
    void work.then(
      () => this.done(),
      () => this.done(),
    );
    return work;
  }

  private done() {
    this.inFlight--;
    if (this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Resolves when no task is queued or running. */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  get size(): number {
    return this.inFlight;
  }
}

/** Runs a task now; a synchronous throw becomes a rejection, as it would inside `then`. */
function start<T>(task: () => Promise<T>): Promise<T> {
  try {
    return task();
  } catch (error) {
    return Promise.reject(error);
  }
}
