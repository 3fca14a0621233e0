import { createNodeDescriptor, type INodeFunctionBaseParams } from '@cognigy/extension-tools';
import { z } from 'zod';
import {
  PRIORITIES,
  isTerminalStatus,
  toHandoverError,
  type CapabilityName,
  type TranscriptEntry,
} from '../src/contract';
import type { StartHandoverInput } from '../src/model';
import { HANDOVER_COLOR, parseConfig, providerField, routingFields, type, whenCapable } from './shared/common';
import { editorFrom, lenientNumber, nodeField, optionalNumber, optionalText, textList } from './shared/fields';
import { forwardUserInput, quickReplies } from './shared/forward';
import { readFlowEvent } from '../src/delivery';
import {
  isLive,
  logFailure,
  readState,
  runtimeOf,
  serviceFor,
  sessionOf,
  setHandoverInput,
  viewToInput,
  type NodeRuntime,
} from './shared/runtime';
import {
  flattenAttributes,
  genericRouting,
  handoverSectionFields,
  jsonObject,
  providerSections,
  sectionRouting,
} from './shared/sections';
import { NODE_TYPES, type CreateHandoverNodesOptions } from './shared/types';

const onToggle = (key: string) => ({ key, value: true });
const NOT_IN_COGNIGY = ' (handover-kit; not in Cognigy)';

export function handoverToAgentSchema(options: CreateHandoverNodesOptions) {
  const providers = options.providers;
  const when = (cap: CapabilityName) => whenCapable(providers, cap);
  const generic = (cap: CapabilityName) => genericRouting(providers, cap);
  return z
    .object({
      providerId: providerField(providers, options.connection?.type),
      text: nodeField(optionalText(), {
        label: 'Handover Accepted Message',
        type: 'cognigyText',
        description: 'Said to the user when the handover is requested.',
      }),
      repeatHandoverMessage: nodeField(z.boolean().default(false), {
        label: 'Repeat Handover Accepted Message',
        type: 'toggle',
        description: 'Say it again whenever the user writes while still waiting.',
      }),
      cancelIntent: nodeField(optionalText(200), {
        label: 'Cancel Intent',
        type: 'cognigyText',
        section: 'cancelSettings',
        description: 'This intent, found while waiting, cancels the handover.',
      }),
      quickReply: nodeField(optionalText(200), {
        label: 'Cancel Button Text',
        type: 'cognigyText',
        section: 'cancelSettings',
        description: 'A quick reply under the accepted message that cancels the handover.',
      }),
      resolveBehavior: nodeField(z.enum(['resetEntrypoint', 'continueEntrypoint']).default('resetEntrypoint'), {
        label: 'Flow Continuation',
        type: 'select',
        section: 'resolveOptions',
        description:
          'Below this Node, or at the current AgentInject entrypoint (no connector offers agent inject yet: both ' +
          'continue below).',
        params: {
          options: [
            { label: 'Below this Node', value: 'resetEntrypoint' },
            { label: 'At current AgentInject Entrypoint', value: 'continueEntrypoint' },
          ],
        },
      }),
      sendResolveEvent: nodeField(z.boolean().default(true), {
        label: 'Send resolve event to Virtual Agent',
        type: 'toggle',
        section: 'resolveOptions',
      }),
      ...handoverSectionFields(),
      sendOnQueueEvent: nodeField(z.boolean().default(false), {
        label: 'Send Queue Event',
        type: 'toggle',
        section: 'eventSettings',
        description: 'Continue below with status "queue" as soon as the handover is queued.',
      }),
      sendOnActiveEvent: nodeField(z.boolean().default(false), {
        label: 'Send Active Event',
        type: 'toggle',
        section: 'eventSettings',
        description: 'Re-enter the flow with status "active" when an agent joins.',
      }),
      getQueuePosition: nodeField(z.boolean().default(false), {
        label: 'Get Queue Position',
        type: 'toggle',
        section: 'queueSettings',
        ...when('queuePosition'),
      }),
      updateIntervalQueuePosition: nodeField(lenientNumber(86_400), {
        label: 'Update Interval (seconds)',
        type: 'number',
        section: 'queueSettings',
        condition: onToggle('getQueuePosition'),
        description: 'Empty: every 30 seconds.',
      }),
      getEstimatedWaitTime: nodeField(z.boolean().default(false), {
        label: 'Get Estimated Wait Time',
        type: 'toggle',
        section: 'queueSettings',
        ...when('estimatedWaitTime'),
      }),
      updateIntervalEstimatedWaitTime: nodeField(lenientNumber(86_400), {
        label: 'Wait Time Update Interval (seconds)',
        type: 'number',
        section: 'queueSettings',
        condition: onToggle('getEstimatedWaitTime'),
        description: 'Empty: every 30 seconds.',
      }),
      alternativeUpdate: nodeField(z.boolean().default(false), {
        label: 'Alternative Update',
        type: 'toggle',
        section: 'queueSettings',
      }),
      maximumQueuePosition: nodeField(lenientNumber(), {
        label: 'Maximum Queue Position',
        type: 'number',
        section: 'queueSettings',
        condition: onToggle('alternativeUpdate'),
      }),
      maximumEstimatedWaitTime: nodeField(lenientNumber(), {
        label: 'Maximum Estimated Wait Time (ms)',
        type: 'number',
        section: 'queueSettings',
        condition: onToggle('alternativeUpdate'),
      }),
      alternativeText: nodeField(optionalText(), {
        label: 'Alternative Text',
        type: 'cognigyText',
        section: 'queueSettings',
        condition: onToggle('alternativeUpdate'),
        description: 'Over a maximum, the update carries this at input.handover.data.alternativeText.',
      }),
      sendQueueUpdatesAsText: nodeField(z.boolean().default(false), {
        label: `Send queue updates as text${NOT_IN_COGNIGY}`,
        type: 'toggle',
        section: 'queueSettings',
        description:
          'Off (Cognigy): each update re-enters the flow (eventType "queueUpdate"). On: the kit says the texts ' +
          'below to the user itself.',
      }),
      queuePositionText: nodeField(optionalText(), {
        label: `Queue Position Text${NOT_IN_COGNIGY}`,
        type: 'cognigyText',
        section: 'queueSettings',
        condition: onToggle('sendQueueUpdatesAsText'),
        description: 'Token: [[position]].',
      }),
      estimatedWaitTimeText: nodeField(optionalText(), {
        label: `Wait Time Text${NOT_IN_COGNIGY}`,
        type: 'cognigyText',
        section: 'queueSettings',
        condition: onToggle('sendQueueUpdatesAsText'),
        description: 'Tokens: [[waitMinutes]], [[waitSeconds]], [[estimatedWaitTime]] (ms).',
      }),
      sendTranscriptAsFirstMessage: nodeField(z.boolean().default(false), {
        label: 'Send Transcript as first message',
        type: 'toggle',
        section: 'transcriptSettings',
        ...when('transcript'),
      }),
      ...routingFields('routingSettings', providers, genericRouting),
      priority: nodeField(z.enum(PRIORITIES).default('none'), {
        label: 'Priority',
        type: 'select',
        section: 'routingSettings',
        params: { options: PRIORITIES.map((p) => ({ label: p[0]!.toUpperCase() + p.slice(1), value: p })) },
        ...generic('priority'),
      }),
      customAttributes: nodeField(jsonObject.default({}), {
        label: 'Custom Attributes',
        type: 'json',
        section: 'routingSettings',
        description: 'JSON; nested objects are flattened (a.b), lists joined.',
        ...generic('customAttributes'),
      }),
      fallbackProviderIds: nodeField(textList(), {
        label: `Fallback Providers${NOT_IN_COGNIGY}`,
        type: 'textArray',
        section: 'routingSettings',
        description: 'Provider ids tried in order if this one fails or has nobody available.',
      }),
      requireAvailableAgent: nodeField(z.boolean().default(false), {
        label: `Only hand over when agents are available${NOT_IN_COGNIGY}`,
        type: 'toggle',
        section: 'routingSettings',
        description: 'Check availability first; nobody available counts as a failure (then the fallbacks are tried).',
      }),
      assignmentTimeoutSec: nodeField(optionalNumber(z.number().int().min(0).max(86_400)), {
        label: `Assignment Timeout (seconds)${NOT_IN_COGNIGY}`,
        type: 'number',
        section: 'routingSettings',
        description:
          'Longest wait for an agent; then the fallbacks are tried once, else the handover ends in Error (code ' +
          'assignment_timeout). Empty: the provider default (10 min unless set); 0: wait for ever.',
      }),
      assignmentTimeoutText: nodeField(optionalText(), {
        label: `Assignment Timeout Message${NOT_IN_COGNIGY}`,
        type: 'cognigyText',
        section: 'routingSettings',
        description: 'Said to the user when nobody accepted in time.',
      }),
      enableUserConnectsMessage: nodeField(z.boolean().default(true), {
        label: 'Enable User Connects Message',
        type: 'toggle',
        section: 'presenceSettings',
      }),
      enableUserDisconnectsMessage: nodeField(z.boolean().default(true), {
        label: 'Enable User Disconnects Message',
        type: 'toggle',
        section: 'presenceSettings',
      }),
      agentJoinedText: nodeField(optionalText(), {
        label: `Agent Joined Message${NOT_IN_COGNIGY}`,
        type: 'cognigyText',
        section: 'presenceSettings',
        description: 'Said to the user when an agent joins. Token: [[agentName]].',
      }),
      idleTimeoutMinutes: nodeField(lenientNumber(10080), {
        label: `Close when nobody wrote for (minutes)${NOT_IN_COGNIGY}`,
        type: 'number',
        section: 'presenceSettings',
      }),
    })
    .strict();
}
export type HandoverToAgentConfig = z.output<ReturnType<typeof handoverToAgentSchema>>;

/** Cognigy's form order, then the kit's own sections. */
export const HANDOVER_SECTIONS = [
  { key: 'cancelSettings', label: 'Cancel Handover Options' },
  { key: 'resolveOptions', label: 'On Resolve Options' },
  { key: 'liveAgentSettings', label: 'Live Agent Settings' },
  { key: 'chatwootSettings', label: 'Chatwoot Settings' },
  { key: 'genesysSettings', label: 'Genesys Settings' },
  { key: 'eventSettings', label: 'Event Settings' },
  { key: 'queueSettings', label: 'Queue Updates' },
  { key: 'transcriptSettings', label: 'Transcript' },
  { key: 'routingSettings', label: 'Routing (other contact centers)' },
  { key: 'presenceSettings', label: 'User and Agent Notices' },
];

/**
 * Capabilities this config asks of its providers (checked where the flow is built). Cognigy's
 * section keys are not checked: they only reach providers of their own connector type.
 */
export function handoverWants(c: HandoverToAgentConfig) {
  return [
    { field: 'inboxId', capability: 'queueRouting' as const, used: !!c.inboxId },
    { field: 'skills', capability: 'skills' as const, used: !!c.skills?.length },
    { field: 'languages', capability: 'languages' as const, used: !!c.languages?.length },
    { field: 'priority', capability: 'priority' as const, used: c.priority !== 'none' },
    { field: 'getQueuePosition', capability: 'queuePosition' as const, used: c.getQueuePosition },
    { field: 'getEstimatedWaitTime', capability: 'estimatedWaitTime' as const, used: c.getEstimatedWaitTime },
    {
      field: 'customAttributes',
      capability: 'customAttributes' as const,
      used: Object.keys(c.customAttributes).length > 0,
    },
    { field: 'requireAvailableAgent', capability: 'availability' as const, used: c.requireAvailableAgent },
  ];
}

type StartTemplate = Omit<StartHandoverInput, 'session' | 'user' | 'transcript' | 'locale'>;
const templates = new WeakMap<HandoverToAgentConfig, StartTemplate>();

/** The part of the start request that follows from the config alone: built once per config. */
function startTemplate(c: HandoverToAgentConfig): StartTemplate {
  const known = templates.get(c);
  if (known) return known;
  const byType = sectionRouting(c);
  const template: StartTemplate = {
    providerId: c.providerId,
    fallbackProviderIds: c.fallbackProviderIds ?? [],
    routing: {
      ...(c.inboxId ? { queue: c.inboxId } : {}),
      ...(c.skills?.length ? { skills: c.skills } : {}),
      ...(c.languages?.length ? { languages: c.languages } : {}),
      ...(c.priority !== 'none' ? { priority: c.priority } : {}),
    },
    customAttributes: flattenAttributes(c.customAttributes),
    ...(Object.keys(byType).length ? { byConnectorType: byType } : {}),
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
      ...(c.cancelIntent || c.quickReply
        ? {
            cancel: {
              ...(c.cancelIntent ? { intent: c.cancelIntent } : {}),
              ...(c.quickReply ? { text: c.quickReply } : {}),
            },
          }
        : {}),
      ...(c.repeatHandoverMessage && c.text ? { repeatMessage: c.text } : {}),
      ...(c.getQueuePosition || c.getEstimatedWaitTime ? { queueUpdates: queueUpdatesOf(c) } : {}),
    },
  };
  templates.set(c, template);
  return template;
}

function queueUpdatesOf(c: HandoverToAgentConfig) {
  const max = {
    ...(c.maximumQueuePosition ? { maxPosition: c.maximumQueuePosition } : {}),
    ...(c.maximumEstimatedWaitTime ? { maxWaitMs: c.maximumEstimatedWaitTime } : {}),
  };
  return {
    ...(c.getQueuePosition
      ? { position: c.updateIntervalQueuePosition ? { intervalSec: c.updateIntervalQueuePosition } : {} }
      : {}),
    ...(c.getEstimatedWaitTime
      ? { waitTime: c.updateIntervalEstimatedWaitTime ? { intervalSec: c.updateIntervalEstimatedWaitTime } : {} }
      : {}),
    asText: c.sendQueueUpdatesAsText,
    ...(c.queuePositionText ? { positionText: c.queuePositionText } : {}),
    ...(c.estimatedWaitTimeText ? { waitTimeText: c.estimatedWaitTimeText } : {}),
    // Cognigy accepts Alternative Update without a text or a maximum: then it never triggers.
    ...(c.alternativeUpdate && Object.keys(max).length
      ? { alternative: { ...max, ...(c.alternativeText ? { text: c.alternativeText } : {}) } }
      : {}),
  };
}

function startInput(
  rt: NodeRuntime,
  c: HandoverToAgentConfig,
  profile: Record<string, any> | undefined,
): StartHandoverInput {
  const session = sessionOf(rt.input);
  const name = profile ? [profile.firstname, profile.lastname].filter(Boolean).join(' ') : '';
  const t = startTemplate(c);
  // Listed field by field: spreading the template is measurably slower on this hot path.
  return {
    providerId: t.providerId,
    fallbackProviderIds: t.fallbackProviderIds,
    routing: t.routing,
    customAttributes: t.customAttributes,
    ...(t.byConnectorType ? { byConnectorType: t.byConnectorType } : {}),
    requireAvailableAgent: t.requireAvailableAgent,
    behaviour: t.behaviour,
    session,
    user: {
      id: session.userId,
      ...(name ? { name } : {}),
      ...(profile?.email ? { email: String(profile.email) } : {}),
    },
    transcript: c.sendTranscriptAsFirstMessage ? transcriptOf(rt) : [],
    ...(typeof rt.input.language === 'string' && rt.input.language ? { locale: rt.input.language } : {}),
  };
}

/** The conversation so far, from Cognigy's transcript API where the runtime offers it. */
function transcriptOf(rt: NodeRuntime): TranscriptEntry[] {
  const raw = rt.api.getConversationTranscript?.('json', { turnLimit: 50 });
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((t: any) => {
    const text =
      typeof t?.text === 'string' ? t.text : typeof t?.payload?.text === 'string' ? t.payload.text : undefined;
    if (!text) return [];
    const who = String(t.role ?? t.source ?? '').toLowerCase();
    const role = who === 'user' ? 'user' : who === 'agent' ? 'agent' : 'bot';
    return [{ role, text, ...(typeof t.timestamp === 'number' ? { at: t.timestamp } : {}) } as TranscriptEntry];
  });
}

export function createHandoverToAgentNode(options: CreateHandoverNodesOptions) {
  const schema = handoverToAgentSchema(options);
  const editor = editorFrom(schema, providerSections(options.providers, HANDOVER_SECTIONS));
  return createNodeDescriptor({
    type: type(options, NODE_TYPES.handoverToAgent),
    defaultLabel: 'Handover to Agent',
    summary: 'Hands the conversation over to a human agent at the chosen contact center',
    tags: ['service', 'livechat', 'chat', 'hand over'],
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
      // The user writes during the handover this node started: forward, whatever the config says now.
      if (isLive(readState(rt))) {
        const ended = await forwardUserInput(rt, service, sessionOf(rt.input), 'Handover to Agent');
        if (ended) setHandoverInput(rt, ended);
        return;
      }
      const config = nodeConfig(schema, params, options, 'Handover to Agent');
      try {
        const outcome = await service.startHandover(
          startInput(rt, config, params.cognigy.profile as Record<string, any>),
        );
        const view = outcome.handover;
        if (outcome.alreadyInProgress) {
          setHandoverInput(rt, viewToInput(view));
          rt.api.addToInput('handover', {
            ...viewToInput(view),
            status: 'handoverAlreadyInProgress',
            data: { currentStatus: view.status },
          });
          return;
        }
        setHandoverInput(rt, viewToInput(view));
        if (isTerminalStatus(view.status)) {
          logFailure(rt, 'Handover to Agent', toHandoverError(new Error(view.error?.message ?? 'Handover failed')));
          return; // status "error": the flow continues below at once, as with Cognigy's node
        }
        if (config.text || config.quickReply)
          rt.api.say(
            config.text ?? '',
            config.quickReply ? quickReplies(config.text ?? '', [config.quickReply]) : undefined,
          );
        const continueNow =
          (view.status === 'queue' && config.sendOnQueueEvent) ||
          (view.status === 'active' && config.sendOnActiveEvent);
        if (!continueNow) rt.api.stopExecution();
      } catch (error) {
        failed(rt, toHandoverError(error), config.providerId);
      }
    },
  });
}

/**
 * Anything that stops the start — an unknown provider, refused credentials, the contact center —
 * becomes Cognigy's `status: "error"` and the flow goes on below, as Cognigy's node does.
 */
function failed(rt: NodeRuntime, e: ReturnType<typeof toHandoverError>, providerId: string): void {
  logFailure(rt, 'Handover to Agent', e);
  rt.api.addToInput('handover', {
    status: 'error',
    error: { reason: 'error', message: e.message, code: e.code },
    handoverId: '',
    providerId,
  });
}

/** The optional Connection field (gateway URL + key) goes first, as Cognigy extensions do. */
export function connectionField(options: CreateHandoverNodesOptions, editor: ReturnType<typeof editorFrom>) {
  if (!options.connection) return editor;
  const field = {
    key: 'connection',
    type: 'connection' as const,
    label: options.connection.label ?? 'Handover Gateway',
    params: { connectionType: options.connection.type, required: true },
  };
  return {
    fields: [field, ...editor.fields],
    sections: editor.sections,
    form: [{ type: 'field' as const, key: 'connection' }, ...editor.form],
  };
}

export function withoutConnection(config: unknown, options: CreateHandoverNodesOptions): unknown {
  if (!options.connection || !config || typeof config !== 'object') return config;
  const { connection: _ignored, ...rest } = config as Record<string, unknown>;
  return rest;
}

/** A node's config at run time: without the gateway connection, parsed leniently (as Cognigy's nodes read theirs). */
export function nodeConfig<T extends z.ZodType>(
  schema: T,
  params: INodeFunctionBaseParams,
  options: CreateHandoverNodesOptions,
  node: string,
): z.output<T> {
  return parseConfig(schema, withoutConnection(params.config, options), node, params.nodeId, true);
}
