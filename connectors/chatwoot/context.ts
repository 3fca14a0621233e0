import type { Clock, ConnectorStateV1, ConnectorWarning, Logger, StartHandoverResult } from 'handover-kit/contract';
import type { ChatwootApi } from './api';
import { BoundedMap, SingleFlight } from 'handover-kit/connector-utils';
import type { ChatwootSettings } from './schema';

/** What the operations of one connector instance share: settings, the API client and its memory. */
export interface ChatwootContext {
  settings: ChatwootSettings;
  api: ChatwootApi;
  clock: Clock;
  logger: Logger;
  /** Contact identifier → contact id. */
  contacts: BoundedMap<string, number>;
  /** Start idempotency key → conversation (display) id. */
  handovers: BoundedMap<string, number>;
  starting: SingleFlight<StartHandoverResult>;
  /**
   * Conversations the bot resolved, so their `resolved` webhook says `by: 'bot'`: in the shared
   * connector state, since that webhook may reach another gateway instance.
   */
  resolvedByBot: {
    mark(id: string): Promise<void>;
    unmark(id: string): Promise<void>;
    has(id: string): Promise<boolean>;
  };
  /** Team list for queue names (one minute). */
  teams: BoundedMap<'all', Array<{ id: number; name?: string | null }>>;
  /** Queue lengths per inbox/team (a few seconds: Chatwoot allows 30 meta calls a minute). */
  queueLengths: BoundedMap<string, number>;
}

const RESOLVED_BY_BOT_TTL_MS = 15 * 60_000;

export function createContext(
  settings: ChatwootSettings,
  api: ChatwootApi,
  clock: Clock,
  logger: Logger,
  state: ConnectorStateV1,
): ChatwootContext {
  const now = () => clock.now();
  const key = (id: string) => `resolved-by-bot:${id}`;
  return {
    settings,
    api,
    clock,
    logger,
    contacts: new BoundedMap(10_000, { now, ttlMs: 24 * 3_600_000 }),
    handovers: new BoundedMap(10_000, { now, ttlMs: 24 * 3_600_000 }),
    starting: new SingleFlight(),
    resolvedByBot: {
      mark: (id) => state.set(key(id), '1', { ttlMs: RESOLVED_BY_BOT_TTL_MS }),
      unmark: (id) => state.delete(key(id)),
      has: async (id) => (await state.get(key(id))) !== undefined,
    },
    teams: new BoundedMap(1, { now, ttlMs: 60_000 }),
    queueLengths: new BoundedMap(100, { now, ttlMs: 5_000 }),
  };
}

export function unsupported(feature: string, message: string): ConnectorWarning {
  return { type: 'unsupported', feature, message };
}

export function otherWarning(feature: string, message: string): ConnectorWarning {
  return { type: 'other', feature, message };
}
