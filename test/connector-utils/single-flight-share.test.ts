import { describe, expect, it } from 'vitest';
import { SingleFlight } from 'handover-kit/connector-utils';

describe('SingleFlight.share', () => {
  it('gives concurrent callers of a key one run, and runs again once it settled', async () => {
    const flights = new SingleFlight<number>();
    let runs = 0;
    let release!: (value: number) => void;
    const fn = () => {
      runs++;
      return new Promise<number>((resolve) => {
        release = resolve;
      });
    };
    const first = flights.share('k', fn);
    const second = flights.share('k', fn);
    expect(second).toBe(first);
    expect(runs).toBe(1);
    const other = flights.share('other', async () => 7);
    expect(runs).toBe(1);
    release(1);
    expect(await first).toBe(1);
    expect(await other).toBe(7);
    // The key was dropped before the caller resumed: a later call runs again.
    const third = flights.share('k', async () => 3);
    expect(third).not.toBe(first);
    expect(await third).toBe(3);
  });

  it('passes a failure to every caller and forgets it, so a retry runs', async () => {
    const flights = new SingleFlight<number>();
    const failing = () => Promise.reject(new Error('boom'));
    const a = flights.share('k', failing);
    const b = flights.share('k', failing);
    await expect(a).rejects.toThrow('boom');
    await expect(b).rejects.toThrow('boom');
    expect(await flights.share('k', async () => 2)).toBe(2);
  });
});
