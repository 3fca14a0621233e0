import type { ConnectorStateV1, Logger } from '../../contract';
import type { HandoverStore } from '../../store/types';

/**
 * Notices a store that lost its data (Redis restarted without persistence, or flushed): providers
 * and handovers are gone, yet Redis answers PING. A marker written at start disappears with the
 * data; when it has, the configured providers are re-seeded and the providers this instance had
 * seen but nobody configured (created over the API) are reported missing, so readiness fails
 * instead of users silently falling back to the bot.
 */
export class StoreWatch {
  private known = new Set<string>();
  private lost = new Set<string>();
  private readonly marker = `epoch:${Date.now().toString(36)}`;

  constructor(
    private readonly store: HandoverStore,
    private readonly state: ConnectorStateV1,
    /** Creates the configured providers that are missing (idempotent). */
    private readonly reseed: () => Promise<void>,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    await this.state.set('marker', this.marker);
    this.known = new Set((await this.store.listProviders()).map((p) => p.id));
  }

  /** Undefined when all is well, else why the gateway is not ready. */
  async check(): Promise<string | undefined> {
    if ((await this.state.get('marker')) === undefined) {
      this.logger.error('the store lost its data (Redis restarted without persistence?): re-seeding providers', {});
      await this.reseed();
      await this.state.set('marker', this.marker);
      const now = new Set((await this.store.listProviders()).map((p) => p.id));
      for (const id of this.known) if (!now.has(id)) this.lost.add(id);
    }
    const ids = new Set((await this.store.listProviders()).map((p) => p.id));
    for (const id of this.lost) if (ids.has(id)) this.lost.delete(id); // recreated by an operator
    this.known = ids;
    if (this.lost.size === 0) return undefined;
    const missing = [...this.lost].sort().join(', ');
    return `the store lost its data; providers missing: ${missing} (recreate them or restore Redis)`;
  }

  /** A provider deleted on purpose is not "lost". */
  forget(providerId: string): void {
    this.known.delete(providerId);
    this.lost.delete(providerId);
  }
}
