import { describe, expect, it } from 'vitest';
import { BoundedMap } from 'handover-kit/connector-utils';

/** A deterministic pseudo-random sequence (no flaky seeds). */
function lcg(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

describe('BoundedMap', () => {
  it('keeps the newest entries, oldest insert out first, through many evictions, re-sets and deletes', () => {
    const max = 50;
    const map = new BoundedMap<string, number>(max);
    // The model: keys in insertion order (a re-set moves a key to the end).
    let model: string[] = [];
    const random = lcg(7);
    for (let i = 0; i < 20_000; i++) {
      const r = random();
      const key = `k${Math.floor(random() * 120)}`;
      if (r < 0.7) {
        map.set(key, i);
        model = [...model.filter((k) => k !== key), key];
        if (model.length > max) model = model.slice(model.length - max);
      } else if (r < 0.85) {
        map.delete(key);
        model = model.filter((k) => k !== key);
      } else {
        expect(map.get(key) !== undefined).toBe(model.includes(key));
      }
      expect(map.size).toBe(model.length);
    }
    for (const key of model) expect(map.has(key)).toBe(true);
  });

  it('evicts the oldest of a full map on every insert', () => {
    const map = new BoundedMap<number, number>(3);
    for (let i = 0; i < 10_000; i++) map.set(i, i);
    expect([9997, 9998, 9999].map((k) => map.get(k))).toEqual([9997, 9998, 9999]);
    expect(map.has(9996)).toBe(false);
    map.set(9997, 1); // re-set: now the newest
    map.set(10_000, 0);
    expect([map.has(9998), map.has(9997), map.has(9999), map.has(10_000)]).toEqual([false, true, true, true]);
  });
});
