import { parseOrThrow, type ConnectorWarning, type StartHandoverRequest } from 'handover-kit/contract';
import { featureWarning } from 'handover-kit/connector-utils';
import { eightByEightOptionsSchema, type EightByEightOptions, type EightByEightSettings } from './schema';

/** Languages 8x8 routes on (CreateTransactionRequest `user.language`). */
export const EIGHT_BY_EIGHT_LANGUAGES = [
  'en',
  'ru',
  'de',
  'ja',
  'es',
  'fr',
  'pt',
  'it',
  'pl',
  'hr',
  'nl',
  'ar',
  'da',
  'ko',
  'no',
  'sv',
  'vi',
  'cy',
  'th',
  'zh-CN',
  'zh-TW',
] as const;
export const MAX_HISTORY = 200;
export const MAX_PROPERTIES = 30;

export function handoverOptions(request: StartHandoverRequest): EightByEightOptions {
  const raw = request.connectorOptions?.['8x8'];
  return raw === undefined
    ? { jsonProperties: undefined }
    : parseOrThrow(eightByEightOptionsSchema, raw, '8x8 handover options', 'connectorOptions.8x8');
}

/** `en-US` → `en`, `zh-tw` → `zh-TW`; undefined when 8x8 does not route on that language. */
export function eightByEightLanguage(tag: string | undefined): string | undefined {
  if (!tag) return undefined;
  const lower = tag.trim().replace('_', '-').toLowerCase();
  const exact = EIGHT_BY_EIGHT_LANGUAGES.find((l) => l.toLowerCase() === lower);
  if (exact) return exact;
  if (lower.startsWith('zh-'))
    return lower.includes('tw') || lower.includes('hant') || lower.includes('hk') ? 'zh-TW' : 'zh-CN';
  const primary = lower.split('-')[0];
  return EIGHT_BY_EIGHT_LANGUAGES.find((l) => l === primary);
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep merge for "JSON properties": objects merge, `additionalProperties` lists add up, anything else is replaced. */
export function mergeJson(target: Json, extra: Json | undefined): Json {
  if (!extra) return target;
  const out: Json = { ...target };
  for (const [key, value] of Object.entries(extra)) {
    const current = out[key];
    if (isObject(current) && isObject(value)) out[key] = mergeJson(current, value);
    else if (key === 'additionalProperties' && Array.isArray(current) && Array.isArray(value))
      out[key] = [...current, ...value];
    else out[key] = value;
  }
  return out;
}

/** The CreateTransactionRequest for a handover, with warnings for what 8x8 cannot take. */
export function buildCreateBody(
  request: StartHandoverRequest,
  settings: EightByEightSettings,
): { body: Json; warnings: ConnectorWarning[] } {
  const options = handoverOptions(request);
  const warnings: ConnectorWarning[] = [];
  const { routing, user } = request;
  if (routing.skills?.length)
    warnings.push({
      type: 'unsupported',
      feature: 'skills',
      message: '8x8 Chat Gateway routes by queue; skills were not sent',
    });
  if (routing.priority && routing.priority !== 'none') {
    warnings.push({
      type: 'unsupported',
      feature: 'priority',
      message: '8x8 Chat Gateway has no per-conversation priority; set it on the queue',
    });
  }
  const wanted = routing.languages?.[0] ?? request.locale;
  const language = eightByEightLanguage(wanted);
  if (wanted && !language)
    warnings.push(featureWarning('languages', `8x8 does not route on language "${wanted}"; none sent`));

  const properties = Object.entries(request.customAttributes).map(([key, value]) => ({ key, value: String(value) }));
  const vendorUser: Json = {
    name: user.name ?? user.id,
    userId: user.id,
    ...(user.email ? { email: user.email } : {}),
    ...(user.phone ? { phone: user.phone } : {}),
    ...(language ? { language } : {}),
    ...(properties.length ? { additionalProperties: properties } : {}),
  };
  const queueId = routing.queue ?? options.queueId ?? settings.queueId;
  const entries = request.transcript.filter((t) => t.text.trim() !== '');
  if (entries.length > MAX_HISTORY) {
    warnings.push(featureWarning('transcript', `Transcript cut to its last ${MAX_HISTORY} entries (8x8's limit)`));
  }
  const history = entries
    .slice(-MAX_HISTORY)
    .map((t) => ({ authorType: t.role === 'user' ? 'user' : 'bot', text: t.text }));

  let body: Json = {
    channelId: options.channelId ?? settings.channelId,
    user: vendorUser,
    ...(queueId ? { assignment: { type: 'queue', id: queueId } } : {}),
    ...(history.length ? { history: { messages: history } } : {}),
  };
  body = mergeJson(mergeJson(body, settings.jsonProperties), options.jsonProperties);
  const merged = (body.user as Json | undefined)?.additionalProperties;
  if (Array.isArray(merged) && merged.length > MAX_PROPERTIES) {
    (body.user as Json).additionalProperties = merged.slice(0, MAX_PROPERTIES);
    warnings.push(
      featureWarning('customAttributes', `Only the first ${MAX_PROPERTIES} properties were sent (8x8's limit)`),
    );
  }
  return { body, warnings };
}
