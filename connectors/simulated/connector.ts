// The connector itself: createSimulatedConnector(center, settings, runtime) builds one instance.
import { EventEmitter } from 'eventemitter3';
import {
  CAPABILITY_GROUPS,
  HandoverConfigError,
  SPECIFICATION_VERSION,
  defineCapabilities,
  type ConnectorEventMap,
  type ConnectorRuntime,
  type HandoverConnectorV1,
  type HandoverEvent,
} from 'handover-kit/contract';
import { runConnectionChecks, vendorError } from 'handover-kit/connector-utils';
import type { SimulatedContactCenter } from './center';
import { SimulatedVendorError } from './model';
import type { SimulatedSettings } from './schema';
import { createSimulatedWebhook, createWebhookSender } from './webhook';

export function createSimulatedConnector(
  center: SimulatedContactCenter,
  settings: SimulatedSettings,
  runtime: ConnectorRuntime,
): HandoverConnectorV1 {
  const owner = runtime.providerId;
  const push = settings.delivery === 'push';
  const events = push ? new EventEmitter<ConnectorEventMap>() : undefined;
  const webhookUrl = settings.webhookUrl ?? runtime.webhookUrl;
  const sender =
    !push && webhookUrl && settings.webhookSecret
      ? createWebhookSender(webhookUrl, settings.webhookSecret, runtime.clock, runtime.logger)
      : undefined;
  if (!push && !sender)
    runtime.logger.warn('simulated provider in webhook mode has no webhook URL; events are dropped', {
      providerId: owner,
    });

  const forward = (eventOwner: string, event: HandoverEvent) => {
    if (eventOwner !== owner) return;
    if (events) events.emit('event', event);
    else void sender?.post([event]);
  };
  center.on('event', forward);

  return {
    specificationVersion: SPECIFICATION_VERSION,
    type: 'simulated',
    capabilities: { ...SIMULATED_CAPABILITIES, pushEvents: push, webhooks: true },
    events,
    webhook: createSimulatedWebhook(settings.webhookSecret, runtime.clock),

    doCheckAvailability: ({ routing }) =>
      guard('check availability', () =>
        center.checkAvailability({ ...routing, queue: routing.queue ?? settings.queue }),
      ),

    doStartHandover: (request) =>
      guard('start handover', async () => {
        const conv = await center.start(owner, {
          ...request,
          routing: { ...request.routing, queue: request.routing.queue ?? settings.queue },
        });
        const status = await center.status(conv.id);
        return {
          conversationId: conv.id,
          status: status.status === 'active' ? 'active' : 'queue',
          ...(status.queuePosition !== undefined ? { queuePosition: status.queuePosition } : {}),
          ...(status.estimatedWaitMs !== undefined ? { estimatedWaitMs: status.estimatedWaitMs } : {}),
          ...(status.agent ? { agent: status.agent } : {}),
        };
      }),

    doSendMessage: (request) =>
      guard('send message', async () => {
        const text = request.attachments?.length
          ? [request.text, ...request.attachments.map((a) => `[${a.type}] ${a.url}`)].filter(Boolean).join('\n')
          : request.text;
        const { duplicate } = await center.userMessage(request.conversationId, request.messageId, text, request.kind);
        return { duplicate, vendorMessageId: request.messageId };
      }),

    doGetStatus: ({ conversationId }) => guard('get status', () => center.status(conversationId)),

    doCloseHandover: ({ conversationId, reason }) =>
      guard('close handover', () => center.close(conversationId, reason)),

    // The center stands in for the vendor's API: "auth" is reaching it (failNext('availability') fails
    // it like a vendor outage), then the configured queue and, in webhook mode, where events go.
    doTestConnection: () =>
      runConnectionChecks([
        {
          name: 'auth',
          run: () =>
            guard('test connection', async () => void (await center.checkAvailability({}))).then(
              () => `center "${settings.center}"`,
            ),
        },
        settings.queue
          ? {
              name: 'queue',
              field: 'settings.queue',
              run: () =>
                guard('check queue', async () => void (await center.checkAvailability({ queue: settings.queue }))).then(
                  () => `queue "${settings.queue}"`,
                ),
            }
          : { name: 'queue', field: 'settings.queue', skip: "not set: the center's first queue is used" },
        push
          ? { name: 'webhook', field: 'settings.webhookUrl', skip: 'push delivery: no webhook' }
          : {
              name: 'webhook',
              field: 'settings.webhookUrl',
              run: async () => {
                if (!sender)
                  throw new HandoverConfigError('webhook delivery needs a webhook URL and a webhookSecret', [
                    { path: 'settings.webhookUrl', message: 'Required in webhook mode' },
                  ]);
                return `events go to ${webhookUrl}`;
              },
            },
      ]),

    async dispose() {
      center.off('event', forward);
      sender?.dispose();
    },
  };
}

export const SIMULATED_CAPABILITIES = defineCapabilities(CAPABILITY_GROUPS.all);

/** Maps the center's vendor-style failures onto the typed errors, as an HTTP connector would. */
async function guard<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof SimulatedVendorError) {
      throw vendorError({
        vendor: 'simulated',
        status: error.status,
        operation,
        vendorMessage: error.message,
        headers: {
          'x-request-id': error.requestId,
          ...(error.retryAfterMs !== undefined ? { 'retry-after': String(error.retryAfterMs / 1000) } : {}),
        },
      });
    }
    throw error;
  }
}
