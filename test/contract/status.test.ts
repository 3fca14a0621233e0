import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HANDOVER_STATUSES, IllegalTransitionError, isTerminalStatus, type HandoverStatus } from 'handover-kit';
import { STATUS_TRANSITIONS, canTransition, transition } from 'handover-kit/contract';

describe('handover status machine', () => {
  it('lets a handover be queued, become active, go back to the queue and end', () => {
    expect(transition('queue', 'active')).toBe('active');
    expect(transition('active', 'queue')).toBe('queue');
    expect(transition('queue', 'cancelled')).toBe('cancelled');
    expect(transition('active', 'completed')).toBe('completed');
    expect(transition('queue', 'error')).toBe('error');
  });

  it('keeps terminal statuses terminal', () => {
    for (const from of HANDOVER_STATUSES.filter(isTerminalStatus)) {
      for (const to of HANDOVER_STATUSES) {
        if (to === from) expect(transition(from, to)).toBe(from);
        else expect(() => transition(from, to)).toThrow(IllegalTransitionError);
      }
    }
  });

  it('throws a typed error naming both statuses', () => {
    try {
      transition('completed', 'active', 'ho_1');
      expect.unreachable();
    } catch (e) {
      expect(IllegalTransitionError.isInstance(e)).toBe(true);
      expect(e).toMatchObject({
        code: 'illegal_transition',
        from: 'completed',
        to: 'active',
        details: { handoverId: 'ho_1' },
      });
    }
  });

  it('accepts exactly the table, for any walk', () => {
    const status = fc.constantFrom(...HANDOVER_STATUSES);
    fc.assert(
      fc.property(fc.array(status, { maxLength: 30 }), (walk) => {
        let current: HandoverStatus = 'queue';
        for (const next of walk) {
          const legal = STATUS_TRANSITIONS[current].includes(next);
          expect(canTransition(current, next)).toBe(legal);
          if (legal) current = transition(current, next);
          else expect(() => transition(current, next)).toThrow(IllegalTransitionError);
        }
        return true;
      }),
    );
  });
});
