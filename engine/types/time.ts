/**
 * Timestamps and dates as Spark prints and parses them. A timestamp is microseconds since
 * 1970-01-01T00:00:00Z (a JS number); a date is days since 1970-01-01. Time zones are Spark's
 * session zones (`spark.sql.session.timeZone`): IANA regions, fixed offsets, `UTC`/`Z`/`GMT`.
 */
import { IllegalArgumentError } from '../errors/errors.js';
import {
  civilFromDays,
  daysFromCivil,
  daysInMonth,
  localSecondsToEpoch,
  offsetSecondsAt,
  resolveZone,
  SECONDS_PER_DAY,
  type ZoneRules,
} from './time-zone.js';

export const MICROS_PER_SECOND = 1_000_000;
export const MICROS_PER_MILLI = 1_000;
export const MICROS_PER_MINUTE = 60 * MICROS_PER_SECOND;
export const MICROS_PER_HOUR = 60 * MICROS_PER_MINUTE;
export const MICROS_PER_DAY = 24 * MICROS_PER_HOUR;

/** The zone rules for a session zone id; an unknown id is the user's error, as in Spark. */
function zoneOf(timeZone: string): ZoneRules {
  const zone = resolveZone(timeZone);
  if (!zone) throw IllegalArgumentError.withClass('INVALID_TIMEZONE', { timeZone });
  return zone;
}

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
  return offsetSecondsAt(zoneOf(timeZone), Math.floor(utcMs / 1000)) * 1000;
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
  const zone = zoneOf(timeZone);
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
  const zone = zoneOf(timeZone);
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

export interface LocalDateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour?: number;
  readonly minute?: number;
  readonly second?: number;
  readonly micros?: number;
}

/**
 * The instant (µs) of a local date-time in a zone, as Java's `ZonedDateTime.of`: a time in a DST
 * gap moves forward by the gap, an ambiguous time takes the earlier offset. Fields are not validated.
 */
export function fromLocalFields(fields: LocalDateTime, timeZone: string): number {
  return localToMicros(fields, zoneOf(timeZone));
}

function localToMicros(f: LocalDateTime, zone: ZoneRules): number {
  const localSec =
    daysFromCivil(f.year, f.month, f.day) * SECONDS_PER_DAY + (f.hour ?? 0) * 3600 + (f.minute ?? 0) * 60 + (f.second ?? 0);
  return localSecondsToEpoch(zone, localSec) * MICROS_PER_SECOND + (f.micros ?? 0);
}

/** Days since epoch of a valid date, else undefined (`LocalDate.of` rules). */
function validDays(year: number, month: number, day: number): number | undefined {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return daysFromCivil(year, month, day);
}

/** Spark trims ASCII whitespace and ISO control characters around cast input. */
function trimCastInput(text: string): string {
  let s = 0;
  let e = text.length;
  while (s < e && isTrimmed(text.charCodeAt(s))) s++;
  while (e > s && isTrimmed(text.charCodeAt(e - 1))) e--;
  return text.slice(s, e);
}

function isTrimmed(c: number): boolean {
  return c <= 0x20 || (c >= 0x7f && c <= 0x9f);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Spark's digit-count rule per segment: year 4-6, fraction any, zone ≤ 2, others 1-2. */
function validDigits(segment: number, digits: number): boolean {
  if (segment === 0) return digits >= 4 && digits <= 6;
  if (segment === 6) return true;
  return digits > 0 && digits <= 2;
}

/**
 * Spark's cast of a string to DATE: `[+-]yyyy[-[m]m[-[d]d]]`, anything after a space or `T`
 * following the day ignored. Null when malformed.
 */
export function parseDate(text: string): number | null {
  const s = trimCastInput(text);
  if (s.length === 0) return null;
  const seg = [1, 1, 1];
  let sign = 1;
  let j = 0;
  if (s[0] === '-' || s[0] === '+') {
    sign = s[0] === '-' ? -1 : 1;
    j = 1;
  }
  let i = 0;
  let value = 0;
  let digits = 0;
  while (j < s.length && i < 3 && s[j] !== ' ' && s[j] !== 'T') {
    const c = s.charCodeAt(j);
    if (i < 2 && s[j] === '-') {
      if (!validDigits(i, digits)) return null;
      seg[i++] = value;
      value = 0;
      digits = 0;
    } else if (isDigit(c)) {
      value = value * 10 + (c - 48);
      digits++;
    } else {
      return null;
    }
    j++;
  }
  if (!validDigits(i, digits)) return null;
  if (i < 2 && j < s.length) return null;
  seg[i] = value;
  return validDays(sign * (seg[0] as number), seg[1] as number, seg[2] as number) ?? null;
}

/**
 * Spark's cast of a string to TIMESTAMP in `timeZone`: `[+-]yyyy[-[m]m[-[d]d]]`, then optionally
 * ` ` or `T` and `[h]h[:[m]m[:[s]s[.fraction]]]`, then an optional zone (`Z`, `+hh:mm`, `UTC`,
 * `Europe/Paris`, ...); also a time alone (`[T]hh:mm:ss`, today in that zone). Fractions beyond
 * microseconds are truncated. Null when malformed.
 */
export function parseTimestamp(text: string, timeZone: string, nowMs: number = Date.now()): number | null {
  const s = trimCastInput(text);
  if (s.length === 0) return null;
  const seg = [1, 1, 1, 0, 0, 0, 0];
  let i = 0;
  let value = 0;
  let digits = 0;
  let fractionDigits = 0;
  let justTime = false;
  let yearSign = 0;
  let tz: string | undefined;
  let j = 0;
  if (s[0] === '-' || s[0] === '+') {
    yearSign = s[0] === '-' ? -1 : 1;
    j = 1;
  }
  const close = (): boolean => {
    if (!validDigits(i, digits)) return false;
    seg[i] = value;
    value = 0;
    digits = 0;
    return true;
  };
  for (; j < s.length; j++) {
    const b = s[j] as string;
    const c = s.charCodeAt(j);
    if (isDigit(c)) {
      if (i === 6) fractionDigits++;
      if (i !== 6 || digits < 6) value = value * 10 + (c - 48);
      digits++;
      continue;
    }
    if (j === 0 && b === 'T') {
      justTime = true;
      i += 3;
    } else if (i < 2) {
      if (b === '-') {
        if (!close()) return null;
        i++;
      } else if (i === 0 && b === ':' && yearSign === 0) {
        justTime = true;
        i = 3;
        if (!close()) return null;
        i = 4;
      } else {
        return null;
      }
    } else if (i === 2) {
      if (b !== ' ' && b !== 'T') return null;
      if (!close()) return null;
      i++;
    } else if (i === 3 || i === 4) {
      if (b !== ':') return null;
      if (!close()) return null;
      i++;
    } else if (i === 5 && b === '.') {
      if (!close()) return null;
      i++;
    } else if (i === 5 || i === 6) {
      if (!close()) return null;
      i = 7;
      tz = s.slice(j);
      break;
    } else {
      return null;
    }
  }
  if (i < 7 && !close()) return null;
  let micros = seg[6] as number;
  for (let d = fractionDigits; d < 6; d++) micros *= 10;
  let zone: ZoneRules | undefined;
  if (tz !== undefined) {
    zone = resolveZone(tz.trim());
    if (!zone) return null;
  } else {
    zone = resolveZone(timeZone);
    if (!zone) throw IllegalArgumentError.withClass('INVALID_TIMEZONE', { timeZone });
  }
  const [hour, minute, second] = [seg[3] as number, seg[4] as number, seg[5] as number];
  if (hour > 23 || minute > 59 || second > 59) return null;
  let year = (yearSign || 1) * (seg[0] as number);
  let month = seg[1] as number;
  let day = seg[2] as number;
  if (justTime) {
    const sec = Math.floor(nowMs / 1000);
    const today = civilFromDays(Math.floor((sec + offsetSecondsAt(zone, sec)) / SECONDS_PER_DAY));
    ({ year, month, day } = today);
  } else if (validDays(year, month, day) === undefined) {
    return null;
  }
  const us = localToMicros({ year, month, day, hour, minute, second, micros }, zone);
  // Spark's Long microseconds overflow past ±2^63.
  return Math.abs(us) >= 9.223372036854776e18 ? null : us;
}
