import { createNodeDescriptor, type INodeFunctionBaseParams } from '@cognigy/extension-tools';
import { z } from 'zod';
import { PRIORITIES, isTerminalStatus, toHandoverError, type CapabilityName, type TranscriptEntry } from '../src/contract';
import type { StartHandoverInput } from '../src/model';
import { HANDOVER_COLOR, isConfigError, parseConfig, providerField, routingFields, type, whenCapable } from './shared/common';
import { editorFrom, nodeField, optionalNumber, optionalText, textList } from './shared/fields';
import { forwardUserInput, quickReplies } from './shared/forward';
import { readFlowEvent } from '../src/delivery';
import { isLive, logFailure, readState, runtimeOf, serviceFor, sessionOf, setHandoverInput, viewToInput, type NodeRuntime } from './shared/runtime';
import { NODE_TYPES, type CreateHandoverNodesOptions } from './shared/types';

const onToggle = (key: string) => ({ key, value: true });
const attributeValue = z.union([z.string(), z.number(), z.boolean()]);

/** Cognigy flattens nested custom attributes (a.b), joins scalar arrays and skips the rest: so do we. */
function flattenAttributes(value: unknown, prefix = '', out: Record<string, string | number | boolean> = {}) {
  if (value === null || value === undefined) return out;
  if (typeof value !== 'object') {
    if (prefix) out[prefix] = value as string | number | boolean;
    return out;
  }
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v !== 'object')) out[prefix] = value.join(',');
    else value.forEach((v, i) => flattenAttributes(v, `${prefix}.${i}`, out));
    return out;
  }
  for (const [k, v] of Object.entries(value)) flattenAttributes(v, prefix ? `${prefix}.${k}` : k, out);
  return out;
}

const customAttributes = z.preprocess((v) => {
  if (v === '' || v === null || v === undefined) return {};
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return v; // fails the record check below with a message naming the field
    }
  }
  return typeof v === 'object' ? flattenAttributes(v) : v;
}, z.record(z.string(), attributeValue, { error: 'Enter a JSON object of attributes' }));

export function handoverToAgentSchema(options: CreateHandoverNodesOptions) {
  const providers = options.providers;
  const when = (cap: CapabilityName) => whenCapable(providers, cap);
  return z
    .object({
      providerId: providerField(providers, options.connection?.type),
      text: nodeField(optionalText(), { label: 'Handover Accepted Message', type: 'cognigyText', description: 'Said to the user when the handover is requested.' }),
      repeatHandoverMessage: nodeField(z.boolean().default(false), { label: 'Repeat Handover Accepted Message', type: 'toggle', description: 'Say it again whenever the user writes while still waiting.' }),
      cancelIntent: nodeField(optionalText(200), { label: 'Cancel Intent', type: 'cognigyText', section: 'cancelSettings', description: 'This intent, found while waiting, cancels the handover.' }),
      quickReply: nodeField(optionalText(200), { label: 'Cancel Button Text', type: 'cognigyText', section: 'cancelSettings', description: 'A quick reply under the accepted message that cancels the handover.' }),
      sendResolveEvent: nodeField(z.boolean().default(true), { label: 'Send resolve event to Virtual Agent', type: 'toggle', section: 'resolveOptions' }),
      sendOnQueueEvent: nodeField(z.boolean().default(false), { label: 'Send Queue Event', type: 'toggle', section: 'eventSettings', description: 'Continue below with status "queue" as soon as the handover is queued.' }),
      sendOnActiveEvent: nodeField(z.boolean().default(false), { label: 'Send Active Event', type: 'toggle', section: 'eventSettings', description: 'Re-enter the flow with status "active" when an agent joins.' }),
      getQueuePosition: nodeField(z.boolean().default(false), { label: 'Get Queue Position', type: 'toggle', section: 'queueSettings', ...when('queuePosition') }),
      updateIntervalQueuePosition: nodeField(optionalNumber(z.number().int().min(5, 'At least 5 seconds').max(3600)).default(30), { label: 'Update Interval (seconds)', type: 'number', section: 'queueSettings', condition: onToggle('getQueuePosition') }),
      queuePositionText: nodeField(optionalText(), { label: 'Queue Position Text', type: 'cognigyText', section: 'queueSettings', condition: onToggle('getQueuePosition'), description: 'Tokens: {{position}}.' }),
      getEstimatedWaitTime: nodeField(z.boolean().default(false), { label: 'Get Estimated Wait Time', type: 'toggle', section: 'queueSettings', ...when('estimatedWaitTime') }),
      updateIntervalEstimatedWaitTime: nodeField(optionalNumber(z.number().int().min(5, 'At least 5 seconds').max(3600)).default(60), { label: 'Wait Time Update Interval (seconds)', type: 'number', section: 'queueSettings', condition: onToggle('getEstimatedWaitTime') }),
      estimatedWaitTimeText: nodeField(optionalText(), { label: 'Wait Time Text', type: 'cognigyText', section: 'queueSettings', condition: onToggle('getEstimatedWaitTime'), description: 'Tokens: {{waitMinutes}}, {{waitSeconds}}, {{estimatedWaitTime}} (ms).' }),
      alternativeUpdate: nodeField(z.boolean().default(false), { label: 'Alternative Update', type: 'toggle', section: 'queueSettings' }),
      maximumQueuePosition: nodeField(optionalNumber(z.number().int().positive()), { label: 'Maximum Queue Position', type: 'number', section: 'queueSettings', condition: onToggle('alternativeUpdate') }),
      maximumEstimatedWaitTime: nodeField(optionalNumber(z.number().int().positive()), { label: 'Maximum Estimated Wait Time (ms)', type: 'number', section: 'queueSettings', condition: onToggle('alternativeUpdate') }),
      alternativeText: nodeField(optionalText(), { label: 'Alternative Text', type: 'cognigyText', section: 'queueSettings', condition: onToggle('alternativeUpdate') }),
      ...routingFields('routingSettings', providers),
      priority: nodeField(z.enum(PRIORITIES).default('none'), { label: 'Priority', type: 'select', section: 'routingSettings', params: { options: PRIORITIES.map((p) => ({ label: p[0]!.toUpperCase() + p.slice(1), value: p })) }, ...when('priority') }),
      customAttributes: nodeField(customAttributes.default({}), { label: 'Custom Attributes', type: 'json', section: 'routingSettings', description: 'JSON; nested objects are flattened (a.b), lists joined.', ...when('customAttributes') }),
      sendTranscript: nodeField(z.boolean().default(true), { label: 'Send Transcript to Agent', type: 'toggle', section: 'routingSettings', ...when('transcript') }),
      fallbackProviderIds: nodeField(textList(), { label: 'Fallback Providers', type: 'textArray', section: 'routingSettings', description: 'Provider ids tried in order if this one fails or has nobody available.' }),
      requireAvailableAgent: nodeField(z.boolean().default(false), { label: 'Only hand over when agents are available', type: 'toggle', section: 'routingSettings', description: 'Check availability first; nobody available counts as a failure (then the fallbacks are tried).' }),
      assignmentTimeoutSec: nodeField(optionalNumber(z.number().int().min(0).max(86_400)), { label: 'Assignment Timeout (seconds)', type: 'number', section: 'routingSettings', description: 'Longest wait for an agent; then the fallbacks are tried once, else the handover ends in Error (code assignment_timeout). Empty: the provider default (10 min unless set); 0: wait for ever.' }),
      assignmentTimeoutText: nodeField(optionalText(), { label: 'Assignment Timeout Message', type: 'cognigyText', section: 'routingSettings', description: 'Said to the user when nobody accepted in time.' }),
      enableUserConnectsMessage: nodeField(z.boolean().default(true), { label: 'Enable User Connects Message', type: 'toggle', section: 'presenceSettings' }),
      enableUserDisconnectsMessage: nodeField(z.boolean().default(true), { label: 'Enable User Disconnects Message', type: 'toggle', section: 'presenceSettings' }),
      agentJoinedText: nodeField(optionalText(), { label: 'Agent Joined Message', type: 'cognigyText', section: 'presenceSettings', description: 'Said to the user when an agent joins. Token: {{agentName}}.' }),
      idleTimeoutMinutes: nodeField(optionalNumber(z.number().positive().max(10080)), { label: 'Close when nobody wrote for (minutes)', type: 'number', section: 'presenceSettings' }),
    })
    .strict()
    .superRefine((c, ctx) => {
      if (c.alternativeUpdate && !c.alternativeText) ctx.addIssue({ code: 'custom', path: ['alternativeText'], message: 'Required when Alternative Update is on' });
      if (c.alternativeUpdate && c.maximumQueuePosition === undefined && c.maximumEstimatedWaitTime === undefined) {
        ctx.addIssue({ code: 'custom', path: ['maximumQueuePosition'], message: 'Set a maximum queue position or wait time for the alternative update' });
      }
    });
}
export type HandoverToAgentConfig = z.output<ReturnType<typeof handoverToAgentSchema>>;

export const HANDOVER_SECTIONS = [
  { key: 'cancelSettings', label: 'Cancel Handover Options' },
  { key: 'resolveOptions', label: 'On Resolve Options' },
  { key: 'eventSettings', label: 'Event Settings' },
  { key: 'queueSettings', label: 'Queue Updates' },
  { key: 'routingSettings', label: 'Routing' },
  { key: 'presenceSettings', label: 'User and Agent Notices' },
];

/** Capabilities this config asks of its providers (checked where the flow is built). */
export function handoverWants(c: HandoverToAgentConfig) {
  return [
    { field: 'inboxId', capability: 'queueRouting' as const, used: !!c.inboxId },
    { field: 'skills', capability: 'skills' as const, used: !!c.skills?.length },
    { field: 'languages', capability: 'languages' as const, used: !!c.languages?.length },
    { field: 'priority', capability: 'priority' as const, used: c.priority !== 'none' },
    { field: 'getQueuePosition', capability: 'queuePosition' as const, used: c.getQueuePosition },
    { field: 'getEstimatedWaitTime', capability: 'estimatedWaitTime' as const, used: c.getEstimatedWaitTime },
    { field: 'customAttributes', capability: 'customAttributes' as const, used: Object.keys(c.customAttributes).length > 0 },
    { field: 'requireAvailableAgent', capability: 'availability' as const, used: c.requireAvailableAgent },
  ];
}

type StartTemplate = Omit<StartHandoverInput, 'session' | 'user' | 'transcript' | 'locale'>;
const templates = new WeakMap<HandoverToAgentConfig, StartTemplate>();

/** The part of the start request that follows from the config alone: built once per config. */
function startTemplate(c: HandoverToAgentConfig): StartTemplate {
  const known = templates.get(c);
  if (known) return known;
  const template: StartTemplate = {
    providerId: c.providerId,
    fallbackProviderIds: c.fallbackProviderIds ?? [],
    routing: { ...(c.inboxId ? { queue: c.inboxId } : {}), ...(c.skills?.length ? { skills: c.skills } : {}), ...(c.languages?.length ? { languages: c.languages } : {}), ...(c.priority !== 'none' ? { priority: c.priority } : {}) },
    customAttributes: c.customAttributes,
    requireAvailableAgent: c.requireAvailableAgent,
    behaviour: {
      sendQueueEvent: c.sendOnQueueEvent,
      sendActiveEvent: c.sendOnActiveEvent,
      sendResolveEvent: c.sendResolveEvent,
      userConnectsMessage: c.enableUserConnectsMessage,
      userDisconnectsMessage: c.enableUserDisconnectsMessage,
      ...(c.agentJoinedText ? { agentJoinedText: c.agentJoinedText } : {}),
      ...(c.idleTimeoutMinutes ? { idleTimeoutMinutes: c.idleTimeoutMinutes } : {}),
      ...(c.assignmentTimeoutSec !== undefined ? { assignmentTimeoutSec: c.assignmentTimeoutSec } : {}),
      ...(c.assignmentTimeoutText ? { assignmentTimeoutText: c.assignmentTimeoutText } : {}),
      ...(c.cancelIntent || c.quickReply ? { cancel: { ...(c.cancelIntent ? { intent: c.cancelIntent } : {}), ...(c.quickReply ? { text: c.quickReply } : {}) } } : {}),
      ...(c.repeatHandoverMessage && c.text ? { repeatMessage: c.text } : {}),
      ...(c.getQueuePosition || c.getEstimatedWaitTime ? { queueUpdates: queueUpdatesOf(c) } : {}),
    },
  };
  templates.set(c, template);
  return template;
}

function queueUpdatesOf(c: HandoverToAgentConfig) {
  return {
    ...(c.getQueuePosition ? { position: { intervalSec: c.updateIntervalQueuePosition ?? 30 } } : {}),
    ...(c.getEstimatedWaitTime ? { waitTime: { intervalSec: c.updateIntervalEstimatedWaitTime ?? 60 } } : {}),
    ...(c.queuePositionText ? { positionText: c.queuePositionText } : {}),
    ...(c.estimatedWaitTimeText ? { waitTimeText: c.estimatedWaitTimeText } : {}),
    ...(c.alternativeUpdate && c.alternativeText
      ? { alternative: { text: c.alternativeText, ...(c.maximumQueuePosition ? { maxPosition: c.maximumQueuePosition } : {}), ...(c.maximumEstimatedWaitTime ? { maxWaitMs: c.maximumEstimatedWaitTime } : {}) } }
      : {}),
  };
}

function startInput(rt: NodeRuntime, c: HandoverToAgentConfig, profile: Record<string, any> | undefined): StartHandoverInput {
  const session = sessionOf(rt.input);
  const name = profile ? [profile.firstname, profile.lastname].filter(Boolean).join(' ') : '';
  const t = startTemplate(c);
  // Listed field by field: spreading the template is measurably slower on this hot path.
  return {
    providerId: t.providerId,
    fallbackProviderIds: t.fallbackProviderIds,
    routing: t.routing,
    customAttributes: t.customAttributes,
    requireAvailableAgent: t.requireAvailableAgent,
    behaviour: t.behaviour,
    session,
    user: { id: session.userId, ...(name ? { name } : {}), ...(profile?.email ? { email: String(profile.email) } : {}) },
    transcript: c.sendTranscript ? transcriptOf(rt) : [],
    ...(typeof rt.input.language === 'string' && rt.input.language ? { locale: rt.input.language } : {}),
  };
}

/** The conversation so far, from Cognigy's transcript API where the runtime offers it. */
function transcriptOf(rt: NodeRuntime): TranscriptEntry[] {
  const raw = rt.api.getConversationTranscript?.('json', { turnLimit: 50 });
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((t: any) => {
    const text = typeof t?.text === 'string' ? t.text : typeof t?.payload?.text === 'string' ? t.payload.text : undefined;
    if (!text) return [];
    const who = String(t.role ?? t.source ?? '').toLowerCase();
    const role = who === 'user' ? 'user' : who === 'agent' ? 'agent' : 'bot';
    return [{ role, text, ...(typeof t.timestamp === 'number' ? { at: t.timestamp } : {}) } as TranscriptEntry];
  });
}

export function createHandoverToAgentNode(options: CreateHandoverNodesOptions) {
  const schema = handoverToAgentSchema(options);
  const editor = editorFrom(schema, HANDOVER_SECTIONS);
  return createNodeDescriptor({
    type: type(options, NODE_TYPES.handoverToAgent),
    defaultLabel: 'Handover to Agent',
    summary: 'Hands the conversation over to a human agent at the chosen contact center',
    tags: ['service', 'handover'],
    appearance: { color: HANDOVER_COLOR },
    behavior: { entrypoint: true },
    preview: { key: 'providerId', type: 'text' },
    ...connectionField(options, editor),
    function: async (params: INodeFunctionBaseParams) => {
      const rt = runtimeOf(params);
      // Re-entered by an injected handover event: hand it to the Lookup below. No config needed.
      // (Only an injected event: `input.handover` set by an earlier node of this execution — a
      // failed handover to another provider, a Close Handover — must not stop this one from starting.)
      const event = readFlowEvent(rt.input.data);
      if (event) return setHandoverInput(rt, event);
      const service = serviceFor(options.service, params.config as Record<string, unknown>);
      const session = sessionOf(rt.input);
      // The user writes during the handover this node started: forward, whatever the config says now.
      if (isLive(readState(rt))) {
        const ended = await forwardUserInput(rt, service, session, 'Handover to Agent');
        if (ended) setHandoverInput(rt, ended);
        return;
      }
      const config = parseConfig(schema, withoutConnection(params.config, options), 'Handover to Agent', params.nodeId, true);
      try {
        const outcome = await service.startHandover(startInput(rt, config, params.cognigy.profile as Record<string, any>));
        const view = outcome.handover;
        if (outcome.alreadyInProgress) {
          setHandoverInput(rt, viewToInput(view));
          rt.api.addToInput('handover', { ...viewToInput(view), status: 'handoverAlreadyInProgress', data: { currentStatus: view.status } });
          return;
        }
        setHandoverInput(rt, viewToInput(view, { eventType: 'statusChange' }));
        if (isTerminalStatus(view.status)) {
          logFailure(rt, 'Handover to Agent', toHandoverError(new Error(view.error?.message ?? 'Handover failed')));
          return; // status "error": the flow continues below at once, as with Cognigy's node
        }
        if (config.text || config.quickReply) rt.api.say(config.text ?? '', config.quickReply ? quickReplies(config.text ?? '', [config.quickReply]) : undefined);
        const continueNow = (view.status === 'queue' && config.sendOnQueueEvent) || (view.status === 'active' && config.sendOnActiveEvent);
        if (!continueNow) rt.api.stopExecution();
      } catch (error) {
        failed(rt, toHandoverError(error), config.providerId);
      }
    },
  });
}

/** A misconfiguration fails the node; anything else becomes Cognigy's `status: "error"` and the flow goes on. */
function failed(rt: NodeRuntime, e: ReturnType<typeof toHandoverError>, providerId: string): void {
  if (isConfigError(e)) throw e;
  logFailure(rt, 'Handover to Agent', e);
  rt.api.addToInput('handover', { status: 'error', error: { reason: 'error', message: e.message, code: e.code }, handoverId: '', providerId });
}

/** The optional Connection field (gateway URL + key) goes first, as Cognigy extensions do. */
export function connectionField(options: CreateHandoverNodesOptions, editor: ReturnType<typeof editorFrom>) {
  if (!options.connection) return editor;
  const field = { key: 'connection', type: 'connection' as const, label: options.connection.label ?? 'Handover Gateway', params: { connectionType: options.connection.type, required: true } };
  return { fields: [field, ...editor.fields], sections: editor.sections, form: [{ type: 'field' as const, key: 'connection' }, ...editor.form] };
}

export function withoutConnection(config: unknown, options: CreateHandoverNodesOptions): unknown {
  if (!options.connection || !config || typeof config !== 'object') return config;
  const { connection: _ignored, ...rest } = config as Record<string, unknown>;
  return rest;
}
