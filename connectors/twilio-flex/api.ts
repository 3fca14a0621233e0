import { Agent } from 'undici';
import { z } from 'zod';
import { HandoverConfigError, VendorApiError, type Clock } from 'handover-kit/contract';
import { HttpClient, type HttpResponse, clockSleep } from 'handover-kit/connector-utils';
import { TWILIO_ENDPOINTS, endpointPath, type TwilioApiName, type TwilioEndpointName } from './endpoints';
import { AUTH_TOKEN_ENV, TWILIO_HOSTS, type TwilioFlexSettings } from './schema';

export const VENDOR = 'twilio-flex';
/** Twilio's request id header. */
export const REQUEST_ID_HEADER = 'twilio-request-id';

const errorSchema = z
  .object({ code: z.union([z.number(), z.string()]).nullish(), message: z.string().nullish() })
  .loose();

/** Twilio error bodies: `{code, message, more_info, status}`; the numeric code becomes the vendor code. */
export function twilioErrorDetails(body: unknown): { message?: string; code?: string } {
  if (typeof body === 'string') return { message: body.slice(0, 200) };
  const parsed = errorSchema.safeParse(body);
  if (!parsed.success) return {};
  return {
    message: parsed.data.message ?? undefined,
    code: parsed.data.code == null ? undefined : String(parsed.data.code),
  };
}

const str = z.string().nullish();
export const conversationSchema = z.object({ sid: z.string(), state: str, attributes: str }).loose();
export const participantSchema = z
  .object({ sid: z.string(), identity: str, attributes: str, date_created: str })
  .loose();
const participantPageSchema = z
  .object({ participants: z.array(participantSchema), meta: z.object({ next_page_url: str }).loose().nullish() })
  .loose();
const sidSchema = z.object({ sid: z.string() }).loose();
export const channelSchema = z.object({ sid: z.string(), status: str, type: str, error_message: str }).loose();
const channelPageSchema = z.object({ channels: z.array(channelSchema) }).loose();
export const taskSchema = z
  .object({
    sid: z.string(),
    assignment_status: z.string(),
    task_queue_sid: str,
    age: z.number().nullish(),
    priority: z.number().nullish(),
    attributes: str,
    reason: str,
    date_created: str,
  })
  .loose();
const taskPageSchema = z
  .object({ tasks: z.array(taskSchema), meta: z.object({ next_page_url: str }).loose().nullish() })
  .loose();
const num = z.number().nullish();
export const realTimeStatsSchema = z
  .object({
    total_available_workers: num,
    total_eligible_workers: num,
    longest_task_waiting_age: num,
    tasks_by_status: z.record(z.string(), z.number()).nullish(),
  })
  .loose();
export const cumulativeStatsSchema = z
  .object({
    wait_duration_in_queue_until_accepted: z.object({ avg: num }).loose().nullish(),
    avg_task_acceptance_time: num,
  })
  .loose();

export type TwilioParticipant = z.infer<typeof participantSchema>;
export type TwilioChannel = z.infer<typeof channelSchema>;
export type TwilioTask = z.infer<typeof taskSchema>;

export interface CallOptions {
  signal?: AbortSignal;
  operation?: string;
  retry?: boolean;
}

type Form = Record<string, string | readonly string[] | undefined>;

type CleanForm = Record<string, string | readonly string[]>;

interface EndpointRequest {
  params?: Record<string, string>;
  form?: Form;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
}

function unexpectedBody(operation: string, status: number): VendorApiError {
  return new VendorApiError(`${VENDOR} ${operation}: unexpected response body`, { vendor: VENDOR, status, operation });
}

/** The form without its undefined fields; the form itself when it has none (the usual case: no copy). */
function clean(form: Form): CleanForm {
  for (const key in form) {
    if (form[key] === undefined)
      return Object.fromEntries(Object.entries(form).filter(([, v]) => v !== undefined)) as CleanForm;
  }
  return form as CleanForm;
}

/** Conversations' switch for webhooks on an API-made message (one object: HttpClient copies headers). */
const WEBHOOKS_ON: Record<string, string> = { 'X-Twilio-Webhook-Enabled': 'true' };

/**
 * The Twilio requests, over one keep-alive pool shared by the three hosts: Basic auth (API key or
 * Account SID + Auth Token), form bodies with JSON parameters as strings, typed errors carrying
 * Twilio-Request-Id. Response bodies are checked with lenient schemas (unknown fields pass).
 */
export class TwilioApi {
  readonly http: HttpClient;
  private readonly dispatcher: Agent;
  private readonly bases: Record<TwilioApiName, string>;

  constructor(
    private readonly settings: TwilioFlexSettings,
    clock: Clock,
  ) {
    const user = settings.apiKeySid ?? settings.accountSid;
    const password = settings.apiKeySecret ?? settings.authToken ?? process.env[AUTH_TOKEN_ENV];
    if (!password)
      throw new HandoverConfigError('Twilio Flex needs an Auth Token (or an API key and secret)', [
        { path: 'settings.authToken', message: 'required' },
      ]);
    const auth = { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
    this.bases = {
      conversations: settings.conversationsBaseUrl ?? TWILIO_HOSTS.conversations,
      flex: settings.flexBaseUrl ?? TWILIO_HOSTS.flex,
      taskrouter: settings.taskrouterBaseUrl ?? TWILIO_HOSTS.taskrouter,
    };
    this.dispatcher = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, connections: 128 });
    this.http = new HttpClient({
      vendor: VENDOR,
      baseUrl: this.bases.conversations,
      timeoutMs: settings.requestTimeoutMs,
      requestIdHeader: REQUEST_ID_HEADER,
      errorDetails: twilioErrorDetails,
      // One object for every request (HttpClient copies it into each request's own headers).
      headers: () => auth,
      retry: { maxAttempts: 3, baseDelayMs: 250, maxDelayMs: 10_000, sleep: clockSleep(clock) },
      clock,
      dispatcher: this.dispatcher,
    });
  }

  get requestCount(): number {
    return this.http.requestCount;
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  /** The request of one endpoint, answer unchecked (a plain promise, no async frame: the send path). */
  private request(
    name: TwilioEndpointName,
    req: EndpointRequest,
    options: CallOptions,
  ): Promise<HttpResponse<unknown>> {
    const endpoint = TWILIO_ENDPOINTS[name];
    // One request object, no spreads: a field left undefined is one HttpClient treats as not given.
    return this.http.send({
      method: endpoint.method,
      baseUrl: this.bases[endpoint.api],
      path: endpointPath(name, req.params),
      form: req.form && clean(req.form),
      query: req.query,
      headers: req.headers,
      operation: options.operation ?? name,
      retry: options.retry,
      signal: options.signal,
    });
  }

  /** One endpoint's answer, checked with its (lenient) schema. */
  private call<T extends z.ZodType>(
    name: TwilioEndpointName,
    schema: T,
    req: EndpointRequest,
    options: CallOptions = {},
  ): Promise<z.output<T>> {
    return this.request(name, req, options).then((res) => {
      const parsed = schema.safeParse(res.body);
      if (parsed.success) return parsed.data;
      throw unexpectedBody(options.operation ?? name, res.status);
    });
  }

  createConversation(form: Form, options?: CallOptions) {
    return this.call('createConversation', conversationSchema, { form }, options);
  }

  fetchConversation(sid: string, options?: CallOptions) {
    return this.call('fetchConversation', conversationSchema, { params: { Sid: sid } }, options);
  }

  updateConversation(sid: string, form: Form, options?: CallOptions) {
    return this.call('updateConversation', conversationSchema, { params: { Sid: sid }, form }, options);
  }

  addParticipant(conversationSid: string, form: Form, options?: CallOptions) {
    return this.call('createParticipant', participantSchema, under(conversationSid, form), options);
  }

  /** First page (up to 100): a handover conversation has the customer, the agent(s) and maybe a supervisor. */
  async participants(conversationSid: string, options?: CallOptions): Promise<TwilioParticipant[]> {
    const page = await this.call(
      'listParticipants',
      participantPageSchema,
      { params: { ConversationSid: conversationSid }, query: { PageSize: 100 } },
      options,
    );
    return page.participants;
  }

  /** With `X-Twilio-Webhook-Enabled: true` when `webhooks`, so Flex and other listeners see the message. */
  sendMessage(conversationSid: string, form: Form, webhooks: boolean, options?: CallOptions) {
    const req = { params: { ConversationSid: conversationSid }, form, headers: webhooks ? WEBHOOKS_ON : undefined };
    // Only the sid of Twilio's full message answer is read: a plain check, no schema pass per message.
    return this.request('createMessage', req, options ?? {}).then((res) => {
      const sid = (res.body as { sid?: unknown } | undefined)?.sid;
      if (typeof sid === 'string') return { sid };
      throw unexpectedBody(options?.operation ?? 'createMessage', res.status);
    });
  }

  addScopedWebhook(conversationSid: string, form: Form, options?: CallOptions) {
    return this.call('createScopedWebhook', sidSchema, under(conversationSid, form), options);
  }

  createInteraction(channel: unknown, routing: unknown, options?: CallOptions) {
    return this.call(
      'createInteraction',
      sidSchema,
      { form: { Channel: JSON.stringify(channel), Routing: JSON.stringify(routing) } },
      options,
    );
  }

  async interactionChannels(interactionSid: string, options?: CallOptions): Promise<TwilioChannel[]> {
    const page = await this.call(
      'listInteractionChannels',
      channelPageSchema,
      { params: { InteractionSid: interactionSid } },
      options,
    );
    return page.channels;
  }

  updateInteractionChannel(interactionSid: string, channelSid: string, form: Form, options?: CallOptions) {
    return this.call(
      'updateInteractionChannel',
      channelSchema,
      { params: { InteractionSid: interactionSid, Sid: channelSid }, form },
      options,
    );
  }

  /** One page of tasks; `more` when Twilio has a next page. */
  async tasks(
    query: Record<string, string | number | undefined>,
    options?: CallOptions,
  ): Promise<{ tasks: TwilioTask[]; more: boolean }> {
    const page = await this.call(
      'listTasks',
      taskPageSchema,
      { params: { WorkspaceSid: this.settings.workspaceSid }, query },
      options,
    );
    return { tasks: page.tasks, more: Boolean(page.meta?.next_page_url) };
  }

  realTimeStatistics(queueSid: string, options?: CallOptions) {
    const params = { WorkspaceSid: this.settings.workspaceSid, TaskQueueSid: queueSid };
    return this.call(
      'queueRealTimeStatistics',
      realTimeStatsSchema,
      { params, query: { TaskChannel: this.settings.taskChannel } },
      options,
    );
  }

  cumulativeStatistics(queueSid: string, options?: CallOptions) {
    const params = { WorkspaceSid: this.settings.workspaceSid, TaskQueueSid: queueSid };
    const query = { TaskChannel: this.settings.taskChannel, Minutes: this.settings.statisticsMinutes };
    return this.call('queueCumulativeStatistics', cumulativeStatsSchema, { params, query }, options);
  }
}

/** A request to a collection under one conversation (its participants, its scoped webhooks). */
function under(conversationSid: string, form: Form): EndpointRequest {
  return { params: { ConversationSid: conversationSid }, form };
}
