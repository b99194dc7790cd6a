/**
 * Timestamps and dates as Spark prints and parses them. A timestamp is microseconds since
 * 1970-01-01T00:00:00Z (a JS number); a date is days since 1970-01-01. Time zones are Spark's
 * session zones (`spark.sql.session.timeZone`): IANA regions, fixed offsets, `UTC`/`Z`/`GMT`.
 */
import {
  civilFromDays,
  localToMicros,
  offsetSecondsAt,
  resolveZone,
  SECONDS_PER_DAY,
  sessionZone,
  type LocalDateTime,
} from './time-zone.js';

export const MICROS_PER_SECOND = 1_000_000;
export const MICROS_PER_MILLI = 1_000;
export const MICROS_PER_MINUTE = 60 * MICROS_PER_SECOND;
export const MICROS_PER_HOUR = 60 * MICROS_PER_MINUTE;
export const MICROS_PER_DAY = 24 * MICROS_PER_HOUR;

export function isValidTimeZone(id: string): boolean {
  return resolveZone(id) !== undefined;
}

/** The process's zone id (Java's default zone, which Spark uses for `spark.sql.session.timeZone`). */
export function systemTimeZone(): string {
  const env = process.env['TZ'];
  if (env && env !== '' && isValidTimeZone(env.startsWith(':') ? env.slice(1) : env)) {
    return env.startsWith(':') ? env.slice(1) : env;
  }
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** The zone's offset from UTC in milliseconds at the instant `utcMs`. */
export function zoneOffsetMs(utcMs: number, timeZone: string): number {
  return offsetSecondsAt(sessionZone(timeZone), Math.floor(utcMs / 1000)) * 1000;
}

const TWO_DIGITS: readonly string[] = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : `${i}`));

function two(n: number): string {
  return TWO_DIGITS[n] as string;
}

/** Year as Java's `uuuu` with `EXCEEDS_PAD`: `0999`, `2024`, `+12024`, `-0001`. */
function yearText(y: number): string {
  if (y >= 0 && y <= 9999) return y < 1000 ? String(y).padStart(4, '0') : String(y);
  return y < 0 ? `-${String(-y).padStart(4, '0')}` : `+${y}`;
}

// Consecutive timestamps usually share a day; remembering the last one skips the calendar math.
let lastDays = Number.NaN;
let lastDateText = '';

function dateText(days: number): string {
  if (days === lastDays) return lastDateText;
  const { year, month, day } = civilFromDays(days);
  lastDays = days;
  lastDateText = `${yearText(year)}-${two(month)}-${two(day)}`;
  return lastDateText;
}

/** `yyyy-MM-dd` of a day number. */
export function formatDate(days: number): string {
  return dateText(days);
}

/**
 * Spark's `yyyy-MM-dd HH:mm:ss[.fraction]` in `timeZone`: the fraction keeps its significant digits
 * only (`.4`, `.000001`) and is absent when zero.
 */
export function formatTimestamp(us: number, timeZone: string): string {
  const zone = sessionZone(timeZone);
  const sec = Math.floor(us / MICROS_PER_SECOND);
  const micros = us - sec * MICROS_PER_SECOND;
  const local = sec + (zone.kind === 'fixed' ? zone.offsetSec : zone.offsetAt(sec));
  const days = Math.floor(local / SECONDS_PER_DAY);
  const sod = local - days * SECONDS_PER_DAY;
  const hh = Math.floor(sod / 3600);
  const mm = Math.floor((sod - hh * 3600) / 60);
  const ss = sod - hh * 3600 - mm * 60;
  const text = `${dateText(days)} ${two(hh)}:${two(mm)}:${two(ss)}`;
  return micros === 0 ? text : `${text}.${fractionText(micros)}`;
}

function fractionText(micros: number): string {
  let digits = 6;
  let v = micros;
  while (v % 10 === 0) {
    v /= 10;
    digits--;
  }
  return String(v).padStart(digits, '0');
}

/** `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'` in UTC (the streaming progress JSON format). */
export function isoUtcMillis(ms: number): string {
  const sec = Math.floor(ms / 1000);
  const milli = ms - sec * 1000;
  const days = Math.floor(sec / SECONDS_PER_DAY);
  const sod = sec - days * SECONDS_PER_DAY;
  const hh = Math.floor(sod / 3600);
  const mm = Math.floor((sod - hh * 3600) / 60);
  const ss = sod - hh * 3600 - mm * 60;
  return `${dateText(days)}T${two(hh)}:${two(mm)}:${two(ss)}.${String(milli).padStart(3, '0')}Z`;
}

/** Calendar fields of an instant in a zone. `dayOfWeek` is ISO: 1 = Monday … 7 = Sunday. */
export interface LocalFields {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly micros: number;
  readonly dayOfWeek: number;
}

export function localFields(us: number, timeZone: string): LocalFields {
  const zone = sessionZone(timeZone);
  const sec = Math.floor(us / MICROS_PER_SECOND);
  const micros = us - sec * MICROS_PER_SECOND;
  const local = sec + offsetSecondsAt(zone, sec);
  const days = Math.floor(local / SECONDS_PER_DAY);
  const sod = local - days * SECONDS_PER_DAY;
  const { year, month, day } = civilFromDays(days);
  const hour = Math.floor(sod / 3600);
  const minute = Math.floor((sod - hour * 3600) / 60);
  const second = sod - hour * 3600 - minute * 60;
  // 1970-01-01 was a Thursday (ISO 4).
  const dayOfWeek = ((((days + 3) % 7) + 7) % 7) + 1;
  return { year, month, day, hour, minute, second, micros, dayOfWeek };
}

export type { LocalDateTime } from './time-zone.js';

/**
 * The instant (µs) of a local date-time in a zone, as Java's `ZonedDateTime.of`: a time in a DST
 * gap moves forward by the gap, an ambiguous time takes the earlier offset. Fields are not validated.
 */
export function fromLocalFields(fields: LocalDateTime, timeZone: string): number {
  return localToMicros(sessionZone(timeZone), fields);
}


export { parseDate, parseTimestamp } from './time-parse.js';
