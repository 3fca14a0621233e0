import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import type { FakeAgent } from './entries';

/** Types, request schemas and fixed values of the fake MIAW (the server is in server.ts). */

export type FakeOperation = 'token' | 'continuation' | 'create' | 'message' | 'status' | 'close' | 'entries' | 'sse';

export interface FakeFailure {
  status: number;
  retryAfterMs?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
  operation?: FakeOperation;
  status?: number;
  /** Epoch ms when it arrived. */
  at: number;
}

export const FAKE_MIAW = {
  orgId: '00D5g000004ABCDEAA',
  esDeveloperName: 'Handover_Kit_Web',
  /** Identity tokens the fake accepts for verified users (subject = the token's suffix). */
  identityTokens: ['identity-jwt-user-7'],
  agent: { id: '005Hn00000AGENT1', name: 'Ana Agent' } as FakeAgent,
};

export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const tokenBody = z.object({
  orgId: z.string(),
  esDeveloperName: z.string(),
  capabilitiesVersion: z.string(),
  platform: z.literal('Web'),
});
export const authTokenBody = tokenBody.extend({
  authorizationType: z.literal('JWT'),
  customerIdentityToken: z.string(),
});
export const createBody = z.object({
  conversationId: z.string().regex(UUID_V4, 'conversationId must be a lower-case v4 UUID'),
  esDeveloperName: z.string(),
  routingAttributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  language: z.string().optional(),
});
export const messageBody = z.object({
  message: z.object({
    id: z.string().regex(UUID_V4),
    messageType: z.literal('StaticContentMessage'),
    staticContent: z.object({ formatType: z.literal('Text'), text: z.string() }),
  }),
  esDeveloperName: z.string(),
});

export interface FakeConversation {
  id: string;
  subject: string;
  routingAttributes: Record<string, unknown>;
  language?: string;
  open: boolean;
  routingStatus: string;
  userMessages: Array<{ id: string; text: string }>;
}
