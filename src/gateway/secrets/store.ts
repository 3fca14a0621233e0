import type { HandoverStatus } from '../../contract';
import type { HandoverRecord, ProviderRecord } from '../../model';
import type { HandoverStore } from '../../store/types';
import type { SecretCipher } from './cipher';

/**
 * A store that seals secrets before they reach the inner store (Redis, or your own) and opens them on
 * the way back: the secret fields of each provider's settings (as its connector's schema names them)
 * and a handover's `session.urlToken`. Everything else is stored as before, so indexes keep working.
 */
export class EncryptingStore implements HandoverStore {
  readonly kind: string;
  // The inner store's atomic write (state + dedupe mark + outbox in one step) is kept, not hidden.
  readonly writeHandover?: HandoverStore['writeHandover'];
  readonly isSeen?: HandoverStore['isSeen'];

  constructor(
    readonly inner: HandoverStore,
    readonly cipher: SecretCipher,
    private readonly secretFieldsOf: (type: string) => readonly string[],
  ) {
    this.kind = inner.kind;
    const write = inner.writeHandover?.bind(inner);
    if (write) this.writeHandover = (record, effects) => write(this.sealHandover(record), effects);
    if (inner.isSeen) this.isSeen = inner.isSeen.bind(inner);
  }

  get outboxAttached(): boolean | undefined {
    return this.inner.outboxAttached;
  }

  async getProvider(id: string) {
    const r = await this.inner.getProvider(id);
    return r && this.openProvider(r);
  }
  async listProviders() {
    return (await this.inner.listProviders()).map((r) => this.openProvider(r));
  }
  putProvider(record: ProviderRecord) {
    return this.inner.putProvider(this.sealProvider(record));
  }
  deleteProvider(id: string) {
    return this.inner.deleteProvider(id);
  }

  async getHandover(id: string) {
    return this.openHandover(await this.inner.getHandover(id));
  }
  async findHandoverBySession(sessionKey: string) {
    return this.openHandover(await this.inner.findHandoverBySession(sessionKey));
  }
  async findHandoverByConversationId(providerId: string, conversationId: string) {
    return this.openHandover(await this.inner.findHandoverByConversationId(providerId, conversationId));
  }
  async insertHandover(record: HandoverRecord) {
    return this.openHandover(await this.inner.insertHandover(this.sealHandover(record)));
  }
  updateHandover(record: HandoverRecord) {
    return this.inner.updateHandover(this.sealHandover(record));
  }
  async *listLiveHandovers(): AsyncIterable<HandoverRecord> {
    for await (const r of this.inner.listLiveHandovers()) yield this.openHandover(r)!;
  }
  countByStatus(): Promise<Record<HandoverStatus, number>> {
    return this.inner.countByStatus();
  }
  markSeen(key: string, ttlMs: number) {
    return this.inner.markSeen(key, ttlMs);
  }
  forgetSeen(key: string) {
    return this.inner.forgetSeen(key);
  }
  close() {
    return this.inner.close();
  }

  sealProvider(record: ProviderRecord): ProviderRecord {
    return { ...record, settings: this.mapSecrets(record, (v) => this.cipher.encrypt(v)) };
  }
  openProvider(record: ProviderRecord): ProviderRecord {
    return { ...record, settings: this.mapSecrets(record, (v) => this.cipher.decrypt(v)) };
  }

  private mapSecrets(record: ProviderRecord, f: (value: string) => string): Record<string, unknown> {
    const settings = { ...record.settings };
    for (const key of this.secretFieldsOf(record.type)) {
      const v = settings[key];
      if (typeof v === 'string' && v !== '') settings[key] = f(v);
    }
    return settings;
  }

  // A record read, changed and written back keeps the sealed URLToken it was read with (see sealToken).
  private sealHandover(record: HandoverRecord): HandoverRecord {
    const session = this.cipher.sealToken(record.session);
    return session === record.session ? record : { ...record, session };
  }
  private openHandover(record: HandoverRecord | undefined): HandoverRecord | undefined {
    const session = record && this.cipher.openToken(record.session);
    return record && session !== record.session ? { ...record, session: session! } : record;
  }
}
