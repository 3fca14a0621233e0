import { z } from 'zod';

/** Weekly opening hours in a time zone, plus holidays (local dates). */
export const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Day = (typeof DAYS)[number];

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'Use HH:MM (24-hour)');
export const businessHoursSchema = z.strictObject({
  timeZone: z.string().refine(isTimeZone, 'Unknown IANA time zone'),
  weekly: z.partialRecord(z.enum(DAYS), z.array(z.tuple([hhmm, hhmm])).max(6)),
  /** `YYYY-MM-DD` dates in the time zone on which the center is closed. */
  holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Use YYYY-MM-DD')).default([]),
});
export type BusinessHours = z.output<typeof businessHoursSchema>;

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

interface LocalTime {
  date: string;
  day: Day;
  minutes: number;
}

function localTime(at: number, timeZone: string): LocalTime {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(new Date(at))
      .map((p) => [p.type, p.value]),
  );
  const day = String(parts.weekday).slice(0, 3).toLowerCase() as Day;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    day,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

const toMinutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));

export type OpenState = { open: true } | { open: false; reason: 'outside-business-hours' | 'holiday' };

export function openState(hours: BusinessHours | undefined, at: number): OpenState {
  if (!hours) return { open: true };
  const local = localTime(at, hours.timeZone);
  if (hours.holidays.includes(local.date)) return { open: false, reason: 'holiday' };
  const ranges = hours.weekly[local.day] ?? [];
  const open = ranges.some(([from, to]) => local.minutes >= toMinutes(from) && local.minutes < toMinutes(to));
  return open ? { open: true } : { open: false, reason: 'outside-business-hours' };
}

/** The next moment the center opens, searched in 15-minute steps over two weeks (bounded). */
export function nextOpening(hours: BusinessHours | undefined, at: number): number | undefined {
  if (!hours) return at;
  const step = 15 * 60_000;
  let t = Math.ceil(at / step) * step;
  for (let i = 0; i < 14 * 24 * 4; i++, t += step) if (openState(hours, t).open) return t;
  return undefined;
}
