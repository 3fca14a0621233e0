import { randomBytes } from 'node:crypto';

/** Short, URL-safe, unguessable ids with a readable prefix (`ho_…` handovers, `evt_…` events). */
export function newId(prefix: string, bytes = 12): string {
  return `${prefix}_${randomBytes(bytes).toString('base64url')}`;
}

/** A 24-hex-digit id, the shape Cognigy uses for resources such as handover providers. */
export function newObjectId(): string {
  return randomBytes(12).toString('hex');
}
