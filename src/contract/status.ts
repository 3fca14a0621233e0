import { z } from 'zod';
import { IllegalTransitionError } from './errors';

/**
 * The handover status machine. These are the statuses Cognigy's Lookup node routes on.
 *
 *   queue  ──▶ active ──▶ completed
 *     │  ▲       │  │
 *     │  └───────┘  └──▶ cancelled | error
 *     └──▶ completed | cancelled | error
 *
 * `active → queue` is a transfer (the agent left and the conversation went back to a queue).
 * Terminal statuses stay terminal: the only move out of them is to themselves (an idempotent close).
 */
export const HANDOVER_STATUSES = ['queue', 'active', 'completed', 'cancelled', 'error'] as const;
export type HandoverStatus = (typeof HANDOVER_STATUSES)[number];
export const handoverStatusSchema = z.enum(HANDOVER_STATUSES);

export const TERMINAL_STATUSES: ReadonlySet<HandoverStatus> = new Set(['completed', 'cancelled', 'error']);

/** The one table of legal transitions. A status moving to itself is an update, not a change. */
export const STATUS_TRANSITIONS: Readonly<Record<HandoverStatus, readonly HandoverStatus[]>> = {
  queue: ['queue', 'active', 'completed', 'cancelled', 'error'],
  active: ['active', 'queue', 'completed', 'cancelled', 'error'],
  completed: ['completed'],
  cancelled: ['cancelled'],
  error: ['error'],
};

export function isTerminalStatus(status: HandoverStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

export function isLiveStatus(status: HandoverStatus): boolean {
  return !TERMINAL_STATUSES.has(status);
}

export function canTransition(from: HandoverStatus, to: HandoverStatus): boolean {
  return STATUS_TRANSITIONS[from].includes(to);
}

/** Returns `to` when the move is legal; throws `IllegalTransitionError` otherwise. */
export function transition(from: HandoverStatus, to: HandoverStatus, handoverId?: string): HandoverStatus {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to, handoverId);
  return to;
}
