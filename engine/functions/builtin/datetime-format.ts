import { fromLocalFields, localFields, zoneOffsetMs } from '../../types/time.js';
import { daysFromCivil, daysInMonth } from '../../types/time-zone.js';

/**
 * Spark's datetime patterns (`yyyy-MM-dd HH:mm:ss.SSS`, `EEE`, `a`, quoted text) for
 * `date_format`, `to_timestamp(s, fmt)` and `unix_timestamp(s, fmt)`, over µs timestamps in a
 * session time zone. Parsing is strict as Spark's: the whole text must match, numbers of two or
 * more pattern letters take exactly that many digits.
 */

type Token = { readonly letter: string; readonly count: number } | { readonly text: string };

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const tokenCache = new Map<string, readonly Token[]>();

export function tokenize(pattern: string): readonly Token[] {
  const cached = tokenCache.get(pattern);
  if (cached) return cached;
  const out: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end === i + 1) {
        out.push({ text: "'" });
        i += 2;
        continue;
      }
      out.push({ text: pattern.slice(i + 1, end < 0 ? pattern.length : end) });
      i = end < 0 ? pattern.length : end + 1;
    } else if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (pattern[j] === c) j++;
      out.push({ letter: c, count: j - i });
      i = j;
    } else {
      out.push({ text: c });
      i++;
    }
  }
  if (tokenCache.size > 256) tokenCache.clear();
  tokenCache.set(pattern, out);
  return out;
}

function pad(n: number, width: number): string {
  const s = String(Math.abs(n)).padStart(width, '0');
  return n < 0 ? `-${s}` : s;
}

function offsetText(offsetMs: number, colon: boolean, zForZero: boolean): string {
  if (offsetMs === 0 && zForZero) return 'Z';
  const sign = offsetMs < 0 ? '-' : '+';
  const mins = Math.abs(offsetMs) / 60000;
  const h = pad(Math.floor(mins / 60), 2);
  const m = pad(mins % 60, 2);
  return colon ? `${sign}${h}:${m}` : `${sign}${h}${m}`;
}

/** Formats a µs timestamp with a Spark pattern in `timeZone`. */
export function formatWithPattern(us: number, pattern: string, timeZone: string): string {
  const offset = zoneOffsetMs(Math.floor(us / 1000), timeZone);
  const f = localFields(us, timeZone);
  let out = '';
  for (const t of tokenize(pattern)) {
    if ('text' in t) {
      out += t.text;
      continue;
    }
    const n = t.count;
    switch (t.letter) {
      case 'y':
      case 'u': {
        const y = f.year;
        out += n === 2 ? pad(y % 100, 2) : pad(y, n);
        break;
      }
      case 'M':
      case 'L': {
        const m = f.month - 1;
        out += n >= 4 ? MONTHS[m] : n === 3 ? (MONTHS[m] as string).slice(0, 3) : pad(m + 1, n);
        break;
      }
      case 'd':
        out += pad(f.day, n);
        break;
      case 'D': {
        out += pad(daysFromCivil(f.year, f.month, f.day) - daysFromCivil(f.year, 1, 1) + 1, n);
        break;
      }
      case 'H':
        out += pad(f.hour, n);
        break;
      case 'k':
        out += pad(f.hour === 0 ? 24 : f.hour, n);
        break;
      case 'K':
        out += pad(f.hour % 12, n);
        break;
      case 'h':
        out += pad(f.hour % 12 === 0 ? 12 : f.hour % 12, n);
        break;
      case 'm':
        out += pad(f.minute, n);
        break;
      case 's':
        out += pad(f.second, n);
        break;
      case 'S':
        out += String(f.micros).padStart(6, '0').padEnd(n, '0').slice(0, n);
        break;
      case 'a':
        out += f.hour < 12 ? 'AM' : 'PM';
        break;
      case 'E': {
        const day = DAYS[f.dayOfWeek % 7] as string;
        out += n >= 4 ? day : day.slice(0, 3);
        break;
      }
      case 'Z':
        out += n === 4 ? `GMT${offsetText(offset, true, false)}` : offsetText(offset, n >= 5, false);
        break;
      case 'X':
        out += offsetText(offset, n >= 3, true);
        break;
      case 'x':
        out += offsetText(offset, n >= 3, false);
        break;
      case 'z':
      case 'V':
      case 'O':
        out += timeZone;
        break;
      default:
        out += t.letter.repeat(n);
    }
  }
  return out;
}

interface ParsedFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  micros: number;
  pm: boolean | undefined;
  offsetMs: number | undefined;
}

/** The failure of a strict parse: Spark's `Text '...' could not be parsed at index N`. */
export class DatetimeParseError extends Error {}

function digits(text: string, at: number, min: number, max: number): { value: number; end: number } | undefined {
  let end = at;
  while (end < text.length && end - at < max && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++;
  if (end - at < min) return undefined;
  return { value: Number(text.slice(at, end)), end };
}

function word(text: string, at: number, names: readonly string[], short: boolean): { value: number; end: number } | undefined {
  const lower = text.slice(at).toLowerCase();
  for (let i = 0; i < names.length; i++) {
    const name = (short ? (names[i] as string).slice(0, 3) : (names[i] as string)).toLowerCase();
    if (lower.startsWith(name)) return { value: i, end: at + name.length };
  }
  return undefined;
}

/** Parses `text` with a Spark pattern into µs since the epoch, or throws DatetimeParseError. */
export function parseWithPattern(text: string, pattern: string, timeZone: string): number {
  const f: ParsedFields = { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0, micros: 0, pm: undefined, offsetMs: undefined };
  let at = 0;
  const fail = (): never => {
    throw new DatetimeParseError(`Text '${text}' could not be parsed at index ${at}`);
  };
  for (const t of tokenize(pattern)) {
    if ('text' in t) {
      if (!text.startsWith(t.text, at)) fail();
      at += t.text.length;
      continue;
    }
    const n = t.count;
    const num = (min: number, max: number): number => {
      const r = digits(text, at, min, max) ?? fail();
      at = r.end;
      return r.value;
    };
    switch (t.letter) {
      case 'y':
      case 'u':
        f.year = n === 2 ? 2000 + num(2, 2) : num(n === 1 ? 1 : n, n === 1 ? 9 : Math.max(n, 4));
        break;
      case 'M':
      case 'L':
        if (n >= 3) {
          const r = word(text, at, MONTHS, n === 3) ?? fail();
          f.month = r.value + 1;
          at = r.end;
        } else f.month = num(n, 2);
        break;
      case 'd':
        f.day = num(n, 2);
        break;
      case 'H':
      case 'k':
        f.hour = num(n, 2) % 24;
        break;
      case 'h':
      case 'K':
        f.hour = num(n, 2) % 12;
        break;
      case 'm':
        f.minute = num(n, 2);
        break;
      case 's':
        f.second = num(n, 2);
        break;
      case 'S': {
        const start = at;
        const v = num(n, n);
        f.micros = Math.floor(v * 10 ** (6 - (at - start)));
        break;
      }
      case 'a': {
        const r = word(text, at, ['AM', 'PM'], false) ?? fail();
        f.pm = r.value === 1;
        at = r.end;
        break;
      }
      case 'E': {
        const r = word(text, at, DAYS, n < 4) ?? fail();
        at = r.end;
        break;
      }
      case 'X':
      case 'x':
      case 'Z': {
        const m = /^(Z)|^([+-])(\d{2}):?(\d{2})?/.exec(text.slice(at)) ?? fail();
        f.offsetMs = m[1] ? 0 : (m[2] === '-' ? -1 : 1) * (Number(m[3]) * 60 + Number(m[4] ?? 0)) * 60000;
        at += m[0].length;
        break;
      }
      default:
        fail();
    }
  }
  if (at !== text.length) fail();
  if (f.pm !== undefined && f.pm) f.hour += 12;
  at = 0;
  if (f.month < 1 || f.month > 12 || f.minute > 59 || f.second > 59) fail();
  if (f.day < 1 || f.day > daysInMonth(f.year, f.month)) fail();
  const fields = { year: f.year, month: f.month, day: f.day, hour: f.hour, minute: f.minute, second: f.second, micros: f.micros };
  return f.offsetMs !== undefined ? fromLocalFields(fields, 'UTC') - f.offsetMs * 1000 : fromLocalFields(fields, timeZone);
}

