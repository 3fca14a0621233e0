import type { CapabilityName, TranscriptEntry } from '../src/contract';
import { toHandoverError } from '../src/contract/errors';
import { PRIORITIES } from '../src/contract/v1/priorities';
import type { StartHandoverInput } from '../src/model';
import { HANDOVER_TAGS, handoverNode, providerField, routingFields, whenCapable } from './shared/common';
import { field, fieldList, inSection, textField, toggle, type ConfigOf } from './shared/fields';
import { forwardUserInput, quickReplies } from './shared/forward';
import { readFlowEvent } from '../src/delivery';
import {
  isLive,
  isLiveStatus,
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
  priorityValue,
  providerSections,
  sectionRouting,
} from './shared/sections';
import { NODE_TYPES, type CreateHandoverNodesOptions } from './shared/types';

const onToggle = (key: string) => ({ condition: { key, value: true } });
const NOT_IN_COGNIGY = ' (handover-kit; not in Cognigy)';
const ours = (label: string) => `${label}${NOT_IN_COGNIGY}`;
const COUNT = { kind: 'lenientNumber' } as const;

/** An update interval in seconds, shown when its toggle is on. */
const interval = <const K extends string>(key: K, label: string, toggleKey: string) =>
  field(key, { kind: 'lenientNumber', max: 86_400 }, label, 'number', {
    description: 'Empty: every 30 seconds.',
    ...onToggle(toggleKey),
  });

const FLOW_CONTINUATION = {
  options: [
    { label: 'Below this Node', value: 'resetEntrypoint' },
    { label: 'At current AgentInject Entrypoint', value: 'continueEntrypoint' },
  ],
};
const RESOLVE_BEHAVIORS = {
  kind: 'enum',
  values: ['resetEntrypoint', 'continueEntrypoint'],
  default: 'resetEntrypoint',
} as const;
const PRIORITY_CHOICES = { options: PRIORITIES.map((p) => ({ label: p[0]!.toUpperCase() + p.slice(1), value: p })) };

/** Handover to Agent's fields, in Cognigy's order, then the kit's own. */
export function handoverToAgentFields(options: CreateHandoverNodesOptions) {
  const providers = options.providers;
  const when = (cap: CapabilityName) => whenCapable(providers, cap);
  const generic = (cap: CapabilityName) => genericRouting(providers, cap);
  return fieldList([
    providerField(providers, options.connection?.type),
    textField('text', 'Handover Accepted Message', { description: 'Said to the user when the handover is requested.' }),
    toggle('repeatHandoverMessage', 'Repeat Handover Accepted Message', false, {
      description: 'Say it again whenever the user writes while still waiting.',
    }),
    ...inSection('cancelSettings', [
      textField(
        'cancelIntent',
        'Cancel Intent',
        { description: 'This intent, found while waiting, cancels the handover.' },
        200,
      ),
      textField(
        'quickReply',
        'Cancel Button Text',
        {
          description: 'A quick reply under the accepted message that cancels the handover.',
        },
        200,
      ),
    ]),
    ...inSection('resolveOptions', [
      field('resolveBehavior', RESOLVE_BEHAVIORS, 'Flow Continuation', 'select', {
        description:
          'Below this Node, or at the current AgentInject entrypoint (no connector offers agent inject yet: both ' +
          'continue below).',
        params: FLOW_CONTINUATION,
      }),
      toggle('sendResolveEvent', 'Send resolve event to Virtual Agent', true),
    ]),
    ...handoverSectionFields(),
    ...inSection('eventSettings', [
      toggle('sendOnQueueEvent', 'Send Queue Event', false, {
        description: 'Continue below with status "queue" as soon as the handover is queued.',
      }),
      toggle('sendOnActiveEvent', 'Send Active Event', false, {
        description: 'Re-enter the flow with status "active" when an agent joins.',
      }),
    ]),
    ...inSection('queueSettings', [
      toggle('getQueuePosition', 'Get Queue Position', false, when('queuePosition')),
      interval('updateIntervalQueuePosition', 'Update Interval (seconds)', 'getQueuePosition'),
      toggle('getEstimatedWaitTime', 'Get Estimated Wait Time', false, when('estimatedWaitTime')),
      interval('updateIntervalEstimatedWaitTime', 'Wait Time Update Interval (seconds)', 'getEstimatedWaitTime'),
      toggle('alternativeUpdate', 'Alternative Update', false),
      field('maximumQueuePosition', COUNT, 'Maximum Queue Position', 'number', onToggle('alternativeUpdate')),
      field(
        'maximumEstimatedWaitTime',
        COUNT,
        'Maximum Estimated Wait Time (ms)',
        'number',
        onToggle('alternativeUpdate'),
      ),
      textField('alternativeText', 'Alternative Text', {
        description: 'Over a maximum, the update carries this at input.handover.data.alternativeText.',
        ...onToggle('alternativeUpdate'),
      }),
      toggle('sendQueueUpdatesAsText', ours('Send queue updates as text'), false, {
        description:
          'Off (Cognigy): each update re-enters the flow (eventType "queueUpdate"). On: the kit says the texts ' +
          'below to the user itself.',
      }),
      textField('queuePositionText', ours('Queue Position Text'), {
        description: 'Token: [[position]].',
        ...onToggle('sendQueueUpdatesAsText'),
      }),
      textField('estimatedWaitTimeText', ours('Wait Time Text'), {
        description: 'Tokens: [[waitMinutes]], [[waitSeconds]], [[estimatedWaitTime]] (ms).',
        ...onToggle('sendQueueUpdatesAsText'),
      }),
    ]),
    toggle('sendTranscriptAsFirstMessage', 'Send Transcript as first message', false, {
      section: 'transcriptSettings',
      ...when('transcript'),
    }),
    ...routingFields('routingSettings', providers, genericRouting),
    ...inSection('routingSettings', [
      field('priority', priorityValue, 'Priority', 'select', { params: PRIORITY_CHOICES, ...generic('priority') }),
      field('customAttributes', { kind: 'json' }, 'Custom Attributes', 'json', {
        description: 'JSON; nested objects are flattened (a.b), lists joined.',
        ...generic('customAttributes'),
      }),
      field('fallbackProviderIds', { kind: 'list' }, ours('Fallback Providers'), 'textArray', {
        description: 'Provider ids tried in order if this one fails or has nobody available.',
      }),
      toggle('requireAvailableAgent', ours('Only hand over when agents are available'), false, {
        description: 'Check availability first; nobody available counts as a failure (then the fallbacks are tried).',
      }),
      field(
        'assignmentTimeoutSec',
        { kind: 'wholeNumber', max: 86_400 },
        ours('Assignment Timeout (seconds)'),
        'number',
        {
          description:
            'Longest wait for an agent; then the fallbacks are tried once, else the handover ends in Error (code ' +
            'assignment_timeout). Empty: the provider default (10 min unless set); 0: wait for ever.',
        },
      ),
      textField('assignmentTimeoutText', ours('Assignment Timeout Message'), {
        description: 'Said to the user when nobody accepted in time.',
      }),
    ]),
    ...inSection('presenceSettings', [
      toggle('enableUserConnectsMessage', 'Enable User Connects Message', true),
      toggle('enableUserDisconnectsMessage', 'Enable User Disconnects Message', true),
      textField('agentJoinedText', ours('Agent Joined Message'), {
        description: 'Said to the user when an agent joins. Token: [[agentName]].',
      }),
      field(
        'idleTimeoutMinutes',
        { kind: 'lenientNumber', max: 10080 },
        ours('Close when nobody wrote for (minutes)'),
        'number',
      ),
    ]),
  ]);
}
export type HandoverToAgentConfig = ConfigOf<ReturnType<typeof handoverToAgentFields>>;

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
  const t = startTemplate(c);
  const user: StartHandoverInput['user'] = { id: session.userId };
  if (profile) {
    const name = [profile.firstname, profile.lastname].filter(Boolean).join(' ');
    if (name) user.name = name;
    if (profile.email) user.email = String(profile.email);
  }
  // Listed field by field: spreading the template is measurably slower on this hot path.
  const input: StartHandoverInput = {
    providerId: t.providerId,
    fallbackProviderIds: t.fallbackProviderIds,
    routing: t.routing,
    customAttributes: t.customAttributes,
    requireAvailableAgent: t.requireAvailableAgent,
    behaviour: t.behaviour,
    session,
    user,
    transcript: c.sendTranscriptAsFirstMessage ? transcriptOf(rt) : [],
  };
  if (t.byConnectorType) input.byConnectorType = t.byConnectorType;
  if (typeof rt.input.language === 'string' && rt.input.language) input.locale = rt.input.language;
  return input;
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
  return handoverNode(options, {
    type: NODE_TYPES.handoverToAgent,
    label: 'Handover to Agent',
    summary: 'Hands the conversation over to a human agent at the chosen contact center',
    tags: HANDOVER_TAGS,
    behavior: { entrypoint: true },
    preview: { key: 'providerId', type: 'text' },
    fields: handoverToAgentFields(options),
    sections: providerSections(options.providers, HANDOVER_SECTIONS),
    function: async (params, configOf) => {
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
      const config = configOf(params);
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
        if (!isLiveStatus(view.status)) {
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
