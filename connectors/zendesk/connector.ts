// The connector itself: createZendeskConnector(settings, runtime) builds one instance.
import type { Dispatcher } from 'undici';
import {
  CAPABILITY_GROUPS,
  VendorNotFoundError,
  SPECIFICATION_VERSION,
  UnsupportedCapabilityError,
  defineCapabilities,
  type ConnectorRuntime,
  type HandoverConnectorV1,
} from 'handover-kit/contract';
import {
  HttpClient,
  headersPerCredential,
  oncePerMessage,
  runConnectionChecks,
  type RetryOptions,
} from 'handover-kit/connector-utils';
import { SunshineApi } from './api';
import { JwtSigner, basicAuthorization } from './auth';
import { checkAgentAvailability } from './availability';
import { REQUEST_ID_HEADER, VENDOR, zendeskErrorDetails } from './errors';
import { REMEMBERED_MESSAGES, ZendeskHandovers } from './handover';
import type { ZendeskSettings } from './schema';
import { createZendeskWebhook } from './webhook';

/**
 * What Zendesk can do through this connector. `availability` needs the optional Support API
 * credentials: an instance without them reports it false. Skills travel as ticket tags (for
 * omnichannel skill routing rules), the routing queue is a Zendesk group id, and closing from the
 * bot hands control back while the ticket stays open.
 */
export const ZENDESK_CAPABILITIES = defineCapabilities(CAPABILITY_GROUPS.handover, [
  'availability',
  'skills',
  'priority',
  'queueRouting',
  'attachments',
  'typing',
  'webhooks',
]);

/** Test and benchmark hooks; the registry passes none. */
export interface ZendeskConnectorOverrides {
  retry?: RetryOptions;
  dispatcher?: Dispatcher;
}

/** The connector plus counters for benchmarks and tests. */
export interface ZendeskConnector extends HandoverConnectorV1 {
  /** HTTP requests sent to Zendesk (SunCo and Support API, retries included). */
  readonly requestCount: number;
  /** JWTs signed so far (0 with Basic auth). */
  readonly tokensSigned: number;
}

const USER_AGENT = { 'user-agent': 'handover-kit' } as const;

export function createZendeskConnector(
  settings: ZendeskSettings,
  runtime: ConnectorRuntime,
  overrides: ZendeskConnectorOverrides = {},
): ZendeskConnector {
  const signer =
    settings.authMode === 'jwt'
      ? new JwtSigner({ keyId: settings.keyId, secret: settings.keySecret, clock: runtime.clock })
      : undefined;
  const basicHeaders = { authorization: basicAuthorization(settings.keyId, settings.keySecret), ...USER_AGENT };
  const signedHeaders = headersPerCredential((jwt) => ({ authorization: `Bearer ${jwt}`, ...USER_AGENT }));
  const common = {
    vendor: VENDOR,
    timeoutMs: settings.requestTimeoutMs,
    requestIdHeader: REQUEST_ID_HEADER,
    errorDetails: zendeskErrorDetails,
    retry: overrides.retry,
    dispatcher: overrides.dispatcher,
  };
  const sunco = new HttpClient({
    ...common,
    baseUrl: settings.baseUrl ?? `https://${settings.subdomain}.zendesk.com/sc`,
    // The JWT is reused until it nears expiry, and so is its header object.
    headers: signer ? () => signedHeaders(signer.token()) : () => basicHeaders,
    // A refused JWT is re-signed once (clock skew, rotated key); Basic credentials are not retried.
    ...(signer
      ? {
          onUnauthorized: async () => {
            signer.invalidate();
            return true;
          },
        }
      : {}),
  });
  const supportAuth =
    settings.supportEmail && settings.supportApiToken
      ? basicAuthorization(`${settings.supportEmail}/token`, settings.supportApiToken)
      : undefined;
  const support = supportAuth
    ? new HttpClient({
        ...common,
        baseUrl: settings.supportBaseUrl ?? `https://${settings.subdomain}.zendesk.com`,
        headers: () => ({ authorization: supportAuth, ...USER_AGENT }),
      })
    : undefined;

  const api = new SunshineApi(sunco, settings.appId, settings.keyId.startsWith('int_'));
  const handovers = new ZendeskHandovers(api, settings);
  const webhook = createZendeskWebhook({
    webhookSecret: settings.webhookSecret,
    appId: settings.appId,
    agentIntegration: settings.agentIntegration,
    botIntegration: settings.botIntegration,
    logger: runtime.logger,
    observe: (event) => handovers.observe(event),
  });

  return {
    specificationVersion: SPECIFICATION_VERSION,
    type: 'zendesk',
    capabilities: { ...ZENDESK_CAPABILITIES, availability: !!support },
    webhook,
    get requestCount() {
      return sunco.requestCount + (support?.requestCount ?? 0);
    },
    get tokensSigned() {
      return signer?.signed ?? 0;
    },

    async doCheckAvailability({ routing }, options) {
      if (!support) {
        throw new UnsupportedCapabilityError(
          'availability',
          { connectorType: 'zendesk' },
          'Zendesk agent availability needs the Support API settings supportEmail and supportApiToken',
        );
      }
      return checkAgentAvailability(support, routing, options?.signal);
    },
    doStartHandover: (request, options) => handovers.start(request, options?.signal),
    doSendMessage: oncePerMessage((request, options) => handovers.send(request, options?.signal), {
      max: REMEMBERED_MESSAGES,
    }),
    doGetStatus: ({ conversationId }, options) => handovers.status(conversationId, options?.signal),
    doCloseHandover: (request, options) => handovers.close(request, options?.signal),

    // The key and the app, the two switchboard integrations the handover passes control between, and
    // the Support API credentials when availability is configured.
    doTestConnection: (options) => {
      const signal = options?.signal;
      let integrations: Array<{ id: string; name?: string; integrationType?: string }> | undefined;
      const integration = (field: 'agentIntegration' | 'botIntegration') => ({
        name: field === 'agentIntegration' ? 'agent integration' : 'bot integration',
        field: `settings.${field}`,
        run: async () => {
          integrations ??= await api.switchboardIntegrations(signal);
          const ref = settings[field];
          const found = integrations.find((i) => i.name === ref || i.id === ref || i.integrationType === ref);
          if (!found)
            throw new VendorNotFoundError(
              `The app's switchboard has no integration "${ref}" (it has ` +
                `${integrations.map((i) => i.name ?? i.id).join(', ') || 'none'})`,
              { vendor: 'zendesk', status: 404, operation: 'test connection' },
            );
          return `switchboard integration "${found.name ?? found.id}"`;
        },
      });
      return runConnectionChecks([
        {
          name: 'auth',
          field: 'settings.keySecret',
          run: async () => {
            const app = await api.getApp(signal);
            return app.name ? `app "${app.name}"` : undefined;
          },
        },
        integration('agentIntegration'),
        integration('botIntegration'),
        support
          ? {
              name: 'support api',
              field: 'settings.supportApiToken',
              run: async () => void (await checkAgentAvailability(support, {}, signal)),
            }
          : { name: 'support api', field: 'settings.supportApiToken', skip: 'not set: agent availability is off' },
      ]);
    },

    async dispose() {
      await Promise.all([sunco.close(), support?.close()]);
    },
  };
}
