import { hash } from 'node:crypto';
import {
  HandoverConfigError,
  VendorApiError,
  type ConnectorCallOptions,
  type StartHandoverRequest,
  type StartHandoverResult,
  type StatusResult,
} from 'handover-kit/contract';
import { withWarnings, featureWarning } from 'handover-kit/connector-utils';
import { VENDOR, type MiawApi } from './api';
import { emptyView, type ConversationView } from './entries';
import { routingAttributesFor, routingWarnings, transcriptChunks } from './messages';
import { miawHandoverOptionsSchema, type SalesforceMiawSettings } from './schema';
import type { MiawState } from './state';

/** A lower-case RFC 4122 v4 UUID derived from `parts`: the same handover always gets the same id. */
export function stableUuid(...parts: string[]): string {
  // The one-shot hash (no Hash object per message); the first 16 bytes of the digest make the UUID.
  const b = hash('sha256', parts.join('\u0000'), 'buffer');
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex', 0, 16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The status the stream's view implies (`TRANSFER` from the API: back in a queue even with an agent listed). */
export function statusOf(view: ConversationView, routingStatus: string | undefined): StatusResult {
  if (view.ended) return { status: view.outcome ?? 'completed' };
  const agent = view.agents.at(-1);
  if (agent && routingStatus !== 'TRANSFER') return { status: 'active', agent };
  return { status: 'queue', ...(view.estimatedWaitMs !== undefined ? { estimatedWaitMs: view.estimatedWaitMs } : {}) };
}

export const isStatus = (error: unknown, ...codes: number[]) =>
  VendorApiError.isInstance(error) && codes.includes(error.status ?? 0);

export interface StartDeps {
  api: MiawApi;
  state: MiawState;
  settings: SalesforceMiawSettings;
  providerId: string;
  viewOf(conversationId: string): Promise<ConversationView>;
  ensureStream(conversationId: string, fresh: boolean): Promise<void>;
}

/**
 * Opens the MIAW conversation of a handover: a token for the end user (guest or verified), the
 * conversation with its routing attributes, the mapping and cursor in the shared state, the
 * transcript when asked, then the stream. A key seen before (on any instance) creates nothing.
 */
export async function startConversation(
  deps: StartDeps,
  request: StartHandoverRequest,
  options?: ConnectorCallOptions,
): Promise<StartHandoverResult> {
  const { api, state, settings, providerId } = deps;
  const known = await state.startedConversation(request.idempotencyKey);
  if (known) {
    const view = await deps.viewOf(known);
    const agent = view.agents.at(-1);
    return agent ? { conversationId: known, status: 'active', agent } : { conversationId: known, status: 'queue' };
  }
  const parsed = miawHandoverOptionsSchema.safeParse(request.connectorOptions?.[VENDOR] ?? {});
  if (!parsed.success)
    throw new HandoverConfigError(
      'Invalid connectorOptions["salesforce-miaw"]',
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  const opts = parsed.data;
  const identityToken =
    settings.authMode === 'authenticated' ? (opts.identityToken ?? settings.identityToken) : undefined;
  if (settings.authMode === 'authenticated' && !identityToken) {
    throw new HandoverConfigError('Salesforce MIAW authMode is authenticated but no identity token was given', [
      { path: 'settings.identityToken', message: 'Required' },
    ]);
  }
  const warnings = routingWarnings(request.routing);
  const conversationId = stableUuid(providerId, request.idempotencyKey);
  const routingAttributes = routingAttributesFor(
    settings.routingAttributes,
    request.customAttributes,
    opts.routingAttributes,
  );
  const create = async (token: string) =>
    api.createConversation(
      token,
      { conversationId, routingAttributes, ...(request.locale ? { language: request.locale } : {}) },
      { signal: options?.signal },
    );
  let token = await api.accessToken(identityToken, { signal: options?.signal });
  try {
    await create(token.accessToken);
  } catch (error) {
    if (!isStatus(error, 401)) throw error;
    // Nothing exists at Salesforce yet: a brand-new token is fine.
    token = await api.accessToken(identityToken, { signal: options?.signal });
    await create(token.accessToken);
  }
  await state.saveCredentials(conversationId, {
    accessToken: token.accessToken,
    ...(identityToken ? { identityToken } : {}),
  });
  if (token.lastEventId) await state.saveCursor(conversationId, token.lastEventId);
  await Promise.all([
    state.rememberStart(request.idempotencyKey, conversationId),
    state.saveView(conversationId, emptyView()),
    state.addLive(conversationId),
  ]);
  if (opts.sendTranscriptAsFirstMessage ?? settings.sendTranscriptAsFirstMessage) {
    const chunks = transcriptChunks(request.transcript);
    for (const [i, text] of chunks.entries()) {
      try {
        await api.sendText(
          token.accessToken,
          conversationId,
          { id: stableUuid(conversationId, 'transcript', String(i)), text },
          { operation: 'send transcript' },
        );
      } catch (error) {
        warnings.push(featureWarning('transcript', `Transcript not fully sent: ${(error as Error).message}`));
        break;
      }
    }
  } else if (request.transcript.length > 0) {
    warnings.push(featureWarning('transcript', 'Transcript not sent: sendTranscriptAsFirstMessage is off'));
  }
  await deps.ensureStream(conversationId, true);
  return { conversationId, status: 'queue', ...withWarnings(warnings) };
}
