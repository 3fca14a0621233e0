import type { z } from 'zod';
import type { Dispatcher } from 'undici';
import { VendorApiError } from 'handover-kit/contract';
import { HttpClient, type HttpRequest, type RetryOptions } from 'handover-kit/connector-utils';
import {
  agentListSchema,
  chatwootErrorDetails,
  contactSearchResponseSchema,
  conversationListResponseSchema,
  conversationMetaResponseSchema,
  conversationSchema,
  createContactResponseSchema,
  inboxMembersResponseSchema,
  messageResponseSchema,
  teamListSchema,
  toggleStatusResponseSchema,
  type ConversationStatus,
  type CreateContactBody,
  type CreateConversationBody,
  type CreateMessageBody,
  type VendorAgent,
  type VendorContact,
  type VendorConversation,
  type VendorPriority,
} from './vendor';

export const VENDOR = 'chatwoot';

export interface ChatwootApiOptions {
  baseUrl: string;
  accountId: number;
  apiAccessToken: string;
  timeoutMs: number;
  retry?: RetryOptions;
  dispatcher?: Dispatcher;
}

/**
 * The Chatwoot Application API (`/api/v1/accounts/{account_id}/…`), one method per call the
 * connector makes. Writes that set a value (status, priority, labels, attributes, team) are safe to
 * repeat and retried; creating a contact, a conversation or a message is not.
 */
export class ChatwootApi {
  readonly http: HttpClient;
  private readonly account: string;

  constructor(options: ChatwootApiOptions) {
    this.account = `api/v1/accounts/${options.accountId}`;
    const headers = { api_access_token: options.apiAccessToken };
    this.http = new HttpClient({
      vendor: VENDOR,
      baseUrl: options.baseUrl,
      timeoutMs: options.timeoutMs,
      headers: () => headers,
      requestIdHeader: 'x-request-id',
      errorDetails: chatwootErrorDetails,
      retry: options.retry,
      dispatcher: options.dispatcher,
    });
  }

  async createContact(body: CreateContactBody, signal?: AbortSignal): Promise<VendorContact> {
    const res = await this.call(createContactResponseSchema, {
      method: 'POST',
      path: 'contacts',
      json: body,
      operation: 'create contact',
      signal,
    });
    return res.payload.contact;
  }

  async searchContacts(query: string, signal?: AbortSignal): Promise<VendorContact[]> {
    const res = await this.call(contactSearchResponseSchema, {
      method: 'GET',
      path: 'contacts/search',
      query: { q: query, include_contact_inboxes: false },
      operation: 'search contacts',
      signal,
    });
    return res.payload;
  }

  /** Conversations whose contact inbox has this `source_id` (any status). */
  async conversationsBySource(sourceId: string, inboxId: number, signal?: AbortSignal): Promise<VendorConversation[]> {
    const res = await this.call(conversationListResponseSchema, {
      method: 'GET',
      path: 'conversations',
      query: { source_id: sourceId, inbox_id: inboxId, status: 'all' },
      operation: 'find conversation',
      signal,
    });
    return res.data.payload;
  }

  createConversation(body: CreateConversationBody, signal?: AbortSignal): Promise<VendorConversation> {
    return this.call(conversationSchema, {
      method: 'POST',
      path: 'conversations',
      json: body,
      operation: 'create conversation',
      signal,
    });
  }

  getConversation(id: number, signal?: AbortSignal): Promise<VendorConversation> {
    return this.call(conversationSchema, {
      method: 'GET',
      path: `conversations/${id}`,
      operation: 'get conversation',
      signal,
    });
  }

  async toggleStatus(id: number, status: ConversationStatus, signal?: AbortSignal): Promise<string | undefined> {
    const res = await this.call(toggleStatusResponseSchema, {
      method: 'POST',
      path: `conversations/${id}/toggle_status`,
      json: { status },
      operation: `set status ${status}`,
      idempotent: true,
      signal,
    });
    return res.payload.current_status ?? undefined;
  }

  /** `null` clears the priority (Chatwoot's enum has no `none`). Answers 200 with an empty body. */
  togglePriority(id: number, priority: VendorPriority, signal?: AbortSignal): Promise<void> {
    return this.setOnConversation(id, 'toggle_priority', { priority }, 'set priority', signal);
  }

  /** Replaces the label list. */
  setLabels(id: number, labels: string[], signal?: AbortSignal): Promise<void> {
    return this.setOnConversation(id, 'labels', { labels }, 'set labels', signal);
  }

  /** Replaces the custom attributes (no merge on Chatwoot's side). */
  setCustomAttributes(id: number, attributes: Record<string, unknown>, signal?: AbortSignal): Promise<void> {
    return this.setOnConversation(
      id,
      'custom_attributes',
      { custom_attributes: attributes },
      'set custom attributes',
      signal,
    );
  }

  assign(id: number, target: { team_id: number } | { assignee_id: number }, signal?: AbortSignal): Promise<void> {
    return this.setOnConversation(id, 'assignments', target, 'assign', signal);
  }

  async createMessage(conversationId: number, body: CreateMessageBody, signal?: AbortSignal): Promise<number> {
    const res = await this.call(messageResponseSchema, {
      method: 'POST',
      path: `conversations/${conversationId}/messages`,
      json: body,
      operation: body.private ? 'create note' : 'send message',
      signal,
    });
    return res.id;
  }

  async inboxMembers(inboxId: number, signal?: AbortSignal): Promise<VendorAgent[]> {
    return (
      await this.call(inboxMembersResponseSchema, {
        method: 'GET',
        path: `inbox_members/${inboxId}`,
        operation: 'list inbox members',
        signal,
      })
    ).payload;
  }

  teamMembers(teamId: number, signal?: AbortSignal): Promise<VendorAgent[]> {
    return this.call(agentListSchema, {
      method: 'GET',
      path: `teams/${teamId}/team_members`,
      operation: 'list team members',
      signal,
    });
  }

  teams(signal?: AbortSignal): Promise<Array<{ id: number; name?: string | null }>> {
    return this.call(teamListSchema, { method: 'GET', path: 'teams', operation: 'list teams', signal });
  }

  /** Counts of open conversations in the inbox (and team); `unassigned_count` is the queue. */
  async openCounts(inboxId: number, teamId: number | undefined, signal?: AbortSignal): Promise<{ unassigned: number }> {
    const res = await this.call(conversationMetaResponseSchema, {
      method: 'GET',
      path: 'conversations/meta',
      query: { status: 'open', inbox_id: inboxId, team_id: teamId },
      operation: 'count conversations',
      signal,
    });
    return { unassigned: res.meta.unassigned_count };
  }

  close(): Promise<void> {
    return this.http.close();
  }

  private path(rest: string): string {
    return `${this.account}/${rest}`;
  }

  /** POSTs a value that replaces the conversation's current one: repeating it is harmless. */
  private async setOnConversation(
    id: number,
    action: string,
    json: unknown,
    operation: string,
    signal?: AbortSignal,
  ): Promise<void> {
    const path = this.path(`conversations/${id}/${action}`);
    await this.http.send({ method: 'POST', path, json, operation, idempotent: true, signal });
  }

  private async call<S extends z.ZodType>(schema: S, req: HttpRequest): Promise<z.output<S>> {
    const res = await this.http.send({ ...req, path: this.path(req.path) });
    const parsed = schema.safeParse(res.body);
    if (!parsed.success) {
      const requestId = res.headers['x-request-id'];
      throw new VendorApiError(`${VENDOR} ${req.operation} answered with an unexpected body`, {
        vendor: VENDOR,
        status: res.status,
        operation: req.operation,
        vendorRequestId: Array.isArray(requestId) ? requestId[0] : requestId,
        cause: parsed.error,
      });
    }
    return parsed.data;
  }
}
