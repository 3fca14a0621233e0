import type { Clock } from './contract';

/** The real clock. Timers are unref'd so a forgotten one never keeps a process alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    const handle = setTimeout(callback, Math.max(0, ms));
    handle.unref?.();
    return handle;
  },
  clearTimeout(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

export interface FakeClock extends Clock {
  /**
   * Moves time forward, firing due timers in order. After each timer it lets pending promise
   * chains run (and awaits `settle`, e.g. the service's `idle()`), so work a timer starts is
   * finished before the next one fires.
   */
  advance(ms: number): Promise<void>;
  /** Number of timers waiting. */
  pending(): number;
  /** Work to wait for after each timer fires (the flow tester passes the service's `idle`). */
  settle?: () => Promise<void>;
}

interface FakeTimer {
  id: number;
  due: number;
  callback: () => void;
}

/** Lets queued microtasks and immediates run a few rounds. */
export async function flushAsync(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A clock whose time only moves when told: tests advance ten minutes in a millisecond. */
export function createFakeClock(start = Date.UTC(2026, 0, 5, 9, 0, 0)): FakeClock {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, FakeTimer>();

  function earliest(limit: number): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const t of timers.values()) {
      if (t.due <= limit && (!best || t.due < best.due || (t.due === best.due && t.id < best.id))) best = t;
    }
    return best;
  }

  const clock: FakeClock = {
    now: () => now,
    setTimeout(callback, ms) {
      const id = nextId++;
      timers.set(id, { id, due: now + Math.max(0, ms), callback });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    pending: () => timers.size,
    async advance(ms) {
      const target = now + ms;
      await settle();
      // Bounded: a timer that re-arms itself at 0 ms cannot spin forever.
      for (let fired = 0; fired < 100_000; fired++) {
        const timer = earliest(target);
        if (!timer) break;
        timers.delete(timer.id);
        now = Math.max(now, timer.due);
        timer.callback();
        await settle();
      }
      now = target;
      await settle();
    },
  };

  async function settle(): Promise<void> {
    await flushAsync();
    if (clock.settle) await clock.settle();
  }
  return clock;
}
