import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { HandoverConfigError } from '../../contract';

/**
 * AES-256-GCM for secrets at rest. A value is stored as one compact string,
 * `enc:v1:<kid>:<iv>.<tag>.<ciphertext>` (base64url), so it fits anywhere a string fits (a provider
 * setting, a handover's URLToken, a queued outbox item) and names the key that sealed it. The first
 * key is the current one (new writes); every listed key still reads, so keys rotate without downtime.
 */
export interface EncryptionKey {
  kid: string;
  /** 32 bytes. */
  key: Buffer;
}

const PREFIX = 'enc:v1:';
const KID = /^[A-Za-z0-9_-]{1,32}$/;
/** Every sealed value inside a larger text (a JSON record), for re-encryption in place. */
export const SEALED_PATTERN =
  /enc:v1:([A-Za-z0-9_-]{1,32}):([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]*)/g;

/** Values `decryptCached` remembers: about one per live handover being worked on. */
const OPENED_MAX = 4096;

export class SecretCipher {
  private readonly byKid = new Map<string, Buffer>();
  readonly currentKid: string;
  /** Sealed text → plain, for `decryptCached` (oldest first). */
  private readonly opened = new Map<string, string>();
  /** Sessions `openToken` returned → the sealed text they were opened from, for `sealToken`. */
  private readonly sealedOf = new WeakMap<object, { plain: string; sealed: string }>();

  constructor(keys: readonly EncryptionKey[]) {
    if (keys.length === 0) throw new HandoverConfigError('At least one encryption key is needed');
    for (const { kid, key } of keys) {
      if (!KID.test(kid))
        throw new HandoverConfigError(`Encryption key id "${kid}" must be 1-32 letters, digits, _ or -`);
      if (key.length !== 32)
        throw new HandoverConfigError(`Encryption key "${kid}" must be 32 bytes (base64 of 32 random bytes)`);
      if (this.byKid.has(kid)) throw new HandoverConfigError(`Encryption key id "${kid}" is listed twice`);
      this.byKid.set(kid, key);
    }
    this.currentKid = keys[0]!.kid;
  }

  static isSealed(value: unknown): value is string {
    return typeof value === 'string' && value.startsWith(PREFIX);
  }

  /** Seals with the current key. The key id is authenticated too (AAD). */
  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.byKid.get(this.currentKid)!, iv);
    cipher.setAAD(Buffer.from(this.currentKid));
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag().toString('base64url');
    return `${PREFIX}${this.currentKid}:${iv.toString('base64url')}.${tag}.${ct.toString('base64url')}`;
  }

  /** Opens a sealed value; a value that is not sealed (written before encryption was on) is returned as is. */
  decrypt(value: string): string {
    if (!SecretCipher.isSealed(value)) return value;
    SEALED_PATTERN.lastIndex = 0;
    const m = new RegExp(`^${SEALED_PATTERN.source}$`).exec(value);
    if (!m) throw new HandoverConfigError('A stored secret is damaged (not a valid sealed value)');
    const [, kid, iv, tag, ct] = m as unknown as [string, string, string, string, string];
    const key = this.byKid.get(kid);
    if (!key)
      throw new HandoverConfigError(
        `A stored secret was sealed with key "${kid}", which is not configured (HANDOVER_ENCRYPTION_KEYS)`,
      );
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(kid));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new HandoverConfigError(
        `A stored secret sealed with key "${kid}" does not open: wrong key material or a damaged value`,
      );
    }
  }

  /**
   * `decrypt`, remembering the last few thousand values opened: a handover's URLToken is read with its
   * record for every event and again by the outbox, and AES-GCM with a fresh decipher is not free.
   * Only exact sealed texts that opened (authenticated) are remembered, so a changed byte still fails.
   */
  decryptCached(value: string): string {
    const hit = this.opened.get(value);
    if (hit !== undefined) return hit;
    const plain = this.decrypt(value);
    if (plain !== value) {
      this.opened.set(value, plain);
      if (this.opened.size > OPENED_MAX) this.opened.delete(this.opened.keys().next().value!);
    }
    return plain;
  }

  /** A copy of `session` with its URLToken opened; `sealToken` of that copy gives the same sealed text back. */
  openToken<S extends { urlToken?: string }>(session: S): S {
    const sealed = session.urlToken;
    if (!sealed || !SecretCipher.isSealed(sealed)) return session;
    const opened = { ...session, urlToken: this.decryptCached(sealed) };
    this.sealedOf.set(opened, { plain: opened.urlToken, sealed });
    return opened;
  }

  /**
   * A copy of `session` with its URLToken sealed. A session `openToken` returned, token unchanged, gets
   * the text it was opened from (if sealed with the current key): a record read, changed and written
   * back, or the deliveries it makes, do not pay a fresh encryption each time.
   */
  sealToken<S extends { urlToken?: string }>(session: S): S {
    const token = session.urlToken;
    if (!token || SecretCipher.isSealed(token)) return session;
    const known = this.sealedOf.get(session);
    const reuse = known && known.plain === token && known.sealed.startsWith(`${PREFIX}${this.currentKid}:`);
    return { ...session, urlToken: reuse ? known.sealed : this.encrypt(token) };
  }

  /** Plain in, sealed out; sealed with an old key in, sealed with the current one out; else unchanged. */
  reseal(value: string): string {
    if (SecretCipher.isSealed(value) && value.startsWith(`${PREFIX}${this.currentKid}:`)) return value;
    return this.encrypt(this.decrypt(value));
  }

  /** Re-seals every sealed value inside a text (a JSON record) with the current key. */
  resealWithin(text: string): string {
    return text.replace(SEALED_PATTERN, (sealed, kid: string) =>
      kid === this.currentKid ? sealed : this.encrypt(this.decrypt(sealed)),
    );
  }
}

/** Parses `kid1:base64,kid2:base64` (commas or newlines); the first key is the current one. */
export function parseEncryptionKeys(text: string, source = 'HANDOVER_ENCRYPTION_KEYS'): EncryptionKey[] {
  const keys: EncryptionKey[] = [];
  for (const part of text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s && !s.startsWith('#'))) {
    const i = part.indexOf(':');
    if (i <= 0)
      throw new HandoverConfigError(`${source}: each key is "<kid>:<base64 of 32 bytes>"`, [
        { path: source, message: 'Expected <kid>:<base64>' },
      ]);
    const kid = part.slice(0, i);
    const key = Buffer.from(part.slice(i + 1), 'base64');
    if (!KID.test(kid) || key.length !== 32) {
      throw new HandoverConfigError(
        `${source}: key "${KID.test(kid) ? kid : '?'}" must have an id of letters/digits and 32 bytes of key`,
        [{ path: source, message: 'Bad key' }],
      );
    }
    keys.push({ kid, key });
  }
  return keys;
}

/** Keys from the variable, else from the key file (same format, one per line); none when neither is set. */
export function loadEncryptionKeys(env: { keys?: string; file?: string }): EncryptionKey[] {
  if (env.keys) return parseEncryptionKeys(env.keys);
  if (env.file) {
    let text: string;
    try {
      text = readFileSync(env.file, 'utf8');
    } catch (error) {
      throw new HandoverConfigError(`Encryption key file ${env.file}: ${(error as Error).message}`, [
        { path: 'HANDOVER_ENCRYPTION_KEY_FILE', message: 'Unreadable' },
      ]);
    }
    return parseEncryptionKeys(text, 'HANDOVER_ENCRYPTION_KEY_FILE');
  }
  return [];
}

/** A new random key line, `<kid>:<base64>`, for `handover-kit keys generate`. */
export function generateKeyLine(kid = `k${Date.now().toString(36)}`): string {
  return `${kid}:${randomBytes(32).toString('base64')}`;
}
