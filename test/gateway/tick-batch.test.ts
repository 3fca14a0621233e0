import { describe, expect, it } from 'vitest';
import { TickBatch } from '../../src/gateway/redis/batch';

describe('TickBatch', () => {
  it('runs the calls of one tick as one batch, answering each in order; a later tick is a new batch', async () => {
    const runs: number[][] = [];
    const batch = new TickBatch(async (inputs: number[]) => (runs.push(inputs), inputs.map((n) => n * 10)));
    const first = await Promise.all([batch.add(1), batch.add(2), batch.add(3)]);
    expect(first).toEqual([10, 20, 30]);
    expect(await batch.add(4)).toBe(40);
    expect(runs).toEqual([[1, 2, 3], [4]]);
  });

  it('a failed batch fails every call in it, and the next batch runs again', async () => {
    let fail = true;
    const batch = new TickBatch(async (inputs: string[]) => {
      if (fail) throw new Error('redis away');
      return inputs;
    }, 'turn');
    const results = await Promise.allSettled([batch.add('a'), batch.add('b')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await batch.add('c')).toBe('c');
  });
});
