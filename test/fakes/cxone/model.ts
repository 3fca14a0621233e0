import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** Recorded-style bodies in ./fixtures, used as templates by the fake. */
export function fixture<T extends object = Record<string, unknown>>(name: string): T {
  let text = fixtureText.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8');
    fixtureText.set(name, text);
  }
  return JSON.parse(text) as T;
}
const fixtureText = new Map<string, string>();

/** `NewMessage` as DFO requires it (required fields of the generated model). */
export const newMessageSchema = z.object({
  idOnExternalPlatform: z.string().min(1),
  direction: z.enum(['inbound', 'outbound']),
  createdAtWithMilliseconds: z.string().refine((v) => Number.isFinite(Date.parse(v)), 'must be an ISO date'),
  thread: z.object({ idOnExternalPlatform: z.string().min(1), threadName: z.string().optional() }),
  messageContent: z.object({
    type: z.enum(['TEXT', 'PLUGIN', 'QUICK_REPLIES', 'LIST_PICKER', 'RICH_LINK', 'ADAPTIVE_CARD']),
    payload: z.object({ text: z.string() }),
  }),
  authorEndUserIdentity: z.object({
    idOnExternalPlatform: z.string().min(1),
    firstName: z.string().optional(),
    lastName: z.string().optional(),
  }),
  attachments: z.array(z.object({ friendlyName: z.string(), url: z.string().url() })).optional(),
  contact: z
    .object({
      skillId: z.number().int().optional(),
      customFields: z.array(z.object({ ident: z.string().min(1), value: z.string() })).optional(),
    })
    .optional(),
});
export type NewMessageBody = z.infer<typeof newMessageSchema>;

export const statusChangeSchema = z.object({
  status: z.enum(['new', 'open', 'pending', 'escalated', 'resolved', 'closed', 'trashed']),
});

export interface FakeAgent {
  id: number;
  firstName: string;
  surname: string;
}

export interface FakeContact {
  id: string;
  threadId: string;
  channelId: string;
  status: string;
  skillId?: number;
  assignee?: FakeAgent;
  customFields: Array<{ ident: string; value: string }>;
  messages: NewMessageBody[];
  byExternalId: Map<string, NewMessageBody>;
}

export const ENDED = new Set(['resolved', 'closed', 'trashed']);

/** Contacts (cases) by id and the live contact of each thread, as DFO keeps them. */
export class ContactStore {
  readonly contacts = new Map<string, FakeContact>();
  private readonly byThread = new Map<string, string>();
  private next = 7_000_000;

  /** Adds a message; a new thread (or one whose contact ended) opens a new contact. */
  add(
    channelId: string,
    message: NewMessageBody,
    defaultSkill: number,
  ): { contact: FakeContact; stored: NewMessageBody; duplicate: boolean } {
    let contact = this.ofThread(message.thread.idOnExternalPlatform);
    if (!contact || ENDED.has(contact.status)) {
      contact = {
        id: String(this.next++),
        threadId: message.thread.idOnExternalPlatform,
        channelId,
        status: 'new',
        skillId: message.contact?.skillId ?? defaultSkill,
        customFields: message.contact?.customFields ?? [],
        messages: [],
        byExternalId: new Map(),
      };
      this.contacts.set(contact.id, contact);
      this.byThread.set(contact.threadId, contact.id);
    }
    const known = contact.byExternalId.get(message.idOnExternalPlatform);
    if (known) return { contact, stored: known, duplicate: true };
    contact.messages.push(message);
    contact.byExternalId.set(message.idOnExternalPlatform, message);
    return { contact, stored: message, duplicate: false };
  }

  ofThread(threadId: string): FakeContact | undefined {
    const id = this.byThread.get(threadId);
    return id ? this.contacts.get(id) : undefined;
  }

  requireThread(threadId: string): FakeContact {
    const contact = this.ofThread(threadId);
    if (!contact) throw new Error(`fake cxone: no contact for thread ${threadId}`);
    return contact;
  }

  /** The contact as `GET /dfo/3.0/contacts/{id}` returns it. */
  view(contact: FakeContact): Record<string, unknown> {
    const a = contact.assignee;
    return {
      ...fixture('contact-resolved'),
      id: contact.id,
      threadIdOnExternalPlatform: contact.threadId,
      channelId: contact.channelId,
      status: contact.status,
      routingQueueId: `skill-${contact.skillId}`,
      inboxAssignee: a ? a.id : null,
      inboxAssigneeUser: a
        ? {
            ...(fixture('contact-assigned').inboxAssigneeUser as object),
            id: a.id,
            firstName: a.firstName,
            surname: a.surname,
            nickname: a.firstName,
          }
        : null,
      customFields: contact.customFields,
    };
  }
}
