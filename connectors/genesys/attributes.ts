import type { ConnectorWarning, CustomAttributes, HandoverUser, Routing, TranscriptEntry } from 'handover-kit/contract';
import { featureWarning, transcriptLine } from 'handover-kit/connector-utils';

/**
 * Routing context for Genesys travels as `channel.metadata.customAttributes`: a flat map of strings
 * that the Inbound Message flow reads with Get Participant Data. Genesys documents no size limits
 * for it, so the budgets below are deliberately conservative.
 */
export const MAX_ATTRIBUTE_KEY_CHARS = 200;
export const MAX_ATTRIBUTE_VALUE_CHARS = 2000;
export const MAX_TRANSCRIPT_CHARS = 4000;
/** Keys plus values, all attributes together. */
export const MAX_ATTRIBUTES_CHARS = 16_000;
/** Prefix of the attributes the connector itself adds. */
export const ATTRIBUTE_PREFIX = 'handover.';

const MAX_DEPTH = 8;

type Primitive = string | number | boolean | bigint;
const isPrimitive = (v: unknown): v is Primitive => ['string', 'number', 'boolean', 'bigint'].includes(typeof v);

function scalar(v: Primitive | Date): string | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.toISOString();
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : undefined;
  return String(v);
}

/**
 * Flattens any JSON-ish value into string attributes: nested objects become dotted keys
 * (`order.id`), arrays of scalars are joined with commas (`tags = "a,b"`), arrays holding objects
 * are indexed (`items.0.sku`), booleans become `1` / `0`, null and undefined are left out.
 */
export function flattenAttributes(
  input: Record<string, unknown>,
  prefix = '',
  out: Record<string, string> = {},
  depth = 0,
): Record<string, string> {
  for (const [k, v] of Object.entries(input)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v === null || v === undefined) continue;
    if (isPrimitive(v) || v instanceof Date) {
      const s = scalar(v);
      if (s !== undefined) out[key] = s;
    } else if (depth >= MAX_DEPTH) {
      out[key] = JSON.stringify(v) ?? '';
    } else if (Array.isArray(v)) {
      if (v.every((item) => item === null || item === undefined || isPrimitive(item) || item instanceof Date)) {
        out[key] = v.flatMap((item) => (item === null || item === undefined ? [] : [scalar(item) ?? ''])).join(',');
      } else {
        flattenAttributes(Object.fromEntries(v.map((item, i) => [String(i), item])), key, out, depth + 1);
      }
    } else if (typeof v === 'object') {
      flattenAttributes(v as Record<string, unknown>, key, out, depth + 1);
    }
  }
  return out;
}

/** The transcript as `Role: text` lines, the most recent ones that fit in `maxChars`. */
export function transcriptText(
  transcript: readonly TranscriptEntry[],
  maxChars: number,
): { text: string; truncated: boolean } {
  const lines: string[] = [];
  let used = 0;
  let truncated = false;
  for (let i = transcript.length - 1; i >= 0; i--) {
    const entry = transcript[i]!;
    const line = transcriptLine({ ...entry, text: entry.text.replace(/\s*\n\s*/g, ' ') });
    if (used + line.length + 1 > maxChars - 2) {
      truncated = true;
      break;
    }
    lines.unshift(line);
    used += line.length + 1;
  }
  if (lines.length === 0) return { text: '', truncated };
  return { text: (truncated ? ['…', ...lines] : lines).join('\n'), truncated };
}

export interface AttributeInput {
  customAttributes: CustomAttributes;
  /** `connectorOptions.genesys.customAttributes`: may be nested; wins over `customAttributes`. */
  extra?: Record<string, unknown>;
  routing: Routing;
  user: HandoverUser;
  locale?: string;
  transcript: readonly TranscriptEntry[];
  includeTranscript: boolean;
}

/** Everything the handover carries, as the flat, size-bounded map Genesys takes. */
export function buildCustomAttributes(input: AttributeInput): {
  attributes: Record<string, string>;
  warnings: ConnectorWarning[];
} {
  const warnings: ConnectorWarning[] = [];
  const own = flattenAttributes(
    {
      routing: {
        queue: input.routing.queue,
        skills: input.routing.skills,
        languages: input.routing.languages,
        priority: input.routing.priority,
      },
      locale: input.locale,
      user: { email: input.user.email, phone: input.user.phone },
    },
    ATTRIBUTE_PREFIX.slice(0, -1),
  );
  const candidates = { ...own, ...flattenAttributes({ ...input.customAttributes, ...input.extra }) };

  const attributes: Record<string, string> = {};
  let used = 0;
  const dropped: string[] = [];
  let shortened = 0;
  for (const [key, raw] of Object.entries(candidates)) {
    if (key.length > MAX_ATTRIBUTE_KEY_CHARS) {
      dropped.push(key.slice(0, 40));
      continue;
    }
    const value = raw.length > MAX_ATTRIBUTE_VALUE_CHARS ? `${raw.slice(0, MAX_ATTRIBUTE_VALUE_CHARS - 1)}…` : raw;
    if (value !== raw) shortened++;
    if (used + key.length + value.length > MAX_ATTRIBUTES_CHARS) {
      dropped.push(key);
      continue;
    }
    attributes[key] = value;
    used += key.length + value.length;
  }

  if (input.includeTranscript && input.transcript.length > 0) {
    const key = `${ATTRIBUTE_PREFIX}transcript`;
    const room = Math.min(MAX_TRANSCRIPT_CHARS, MAX_ATTRIBUTES_CHARS - used - key.length);
    const { text, truncated } = transcriptText(input.transcript, room);
    if (text.length > 0) attributes[key] = text;
    if (!text) warnings.push(featureWarning('transcript', 'Transcript left out: no room in the attribute budget'));
    else if (truncated)
      warnings.push(
        featureWarning(
          'transcript',
          `Transcript shortened to its most recent turns (${text.length} characters) to fit the ` + `attribute budget`,
        ),
      );
  }
  if (shortened > 0)
    warnings.push(
      featureWarning(
        'customAttributes',
        `${shortened} attribute value(s) cut to ${MAX_ATTRIBUTE_VALUE_CHARS} characters`,
      ),
    );
  if (dropped.length > 0) {
    warnings.push(
      featureWarning(
        'customAttributes',
        `${dropped.length} attribute(s) left out (key too long or over the ` +
          `${MAX_ATTRIBUTES_CHARS}-character budget): ${dropped.slice(0, 5).join(', ')}`,
      ),
    );
  }
  return { attributes, warnings };
}
