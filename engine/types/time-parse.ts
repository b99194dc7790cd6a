/**
 * Spark's casts of strings to DATE and TIMESTAMP (`SparkDateTimeUtils.stringToDate` /
 * `stringToTimestamp`): which texts are accepted, and the instant they denote.
 */
import {
  civilFromDays,
  daysFromCivil,
  daysInMonth,
  localToMicros,
  offsetSecondsAt,
  resolveZone,
  SECONDS_PER_DAY,
  sessionZone,
  type ZoneRules,
} from './time-zone.js';

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
    zone = sessionZone(timeZone);
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
  const us = localToMicros(zone, { year, month, day, hour, minute, second, micros });
  // Spark's Long microseconds overflow past ±2^63.
  return Math.abs(us) >= 9.223372036854776e18 ? null : us;
}
