/**
 * Spark's unit-list interval strings (`SparkIntervalUtils.stringToInterval`): `"10 seconds"`,
 * `"interval 1 hour -30 minutes"`, with Spark's exact error for each malformed input.
 */
import { IllegalArgumentError } from '../errors/errors.js';

/** Spark's `CalendarInterval`: months, days and microseconds kept apart. */
export interface CalendarInterval {
  readonly months: number;
  readonly days: number;
  readonly micros: number;
}

const INT_MAX = 2n ** 31n - 1n;
const INT_MIN = -(2n ** 31n);
const LONG_MAX = 2n ** 63n - 1n;
const LONG_MIN = -(2n ** 63n);

export class Overflow extends Error {}

export function exactLong(v: bigint): bigint {
  if (v > LONG_MAX || v < LONG_MIN) throw new Overflow();
  return v;
}

function exactInt(v: bigint): bigint {
  if (v > INT_MAX || v < INT_MIN) throw new Overflow();
  return v;
}

/** Java's `Character.isWhitespace` on one byte of ASCII. */
function isSpace(c: string): boolean {
  const code = c.charCodeAt(0);
  return code === 32 || (code >= 9 && code <= 13) || (code >= 28 && code <= 31);
}

function trimAll(text: string): string {
  let s = 0;
  let e = text.length;
  const trimmed = (c: number): boolean => c <= 0x20 || (c >= 0x7f && c <= 0x9f);
  while (s < e && trimmed(text.charCodeAt(s))) s++;
  while (e > s && trimmed(text.charCodeAt(e - 1))) e--;
  return text.slice(s, e);
}

/** Java's `String.split("\\s+")`: a leading empty piece is kept, trailing empty pieces dropped. */
function splitWords(s: string): string[] {
  const parts = s.split(/[ \t\n\x0B\f\r]+/);
  while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

export type UnitName = 'year' | 'month' | 'week' | 'day' | 'hour' | 'minute' | 'second' | 'millisecond' | 'microsecond';

const UNITS_BY_LETTER: Readonly<Record<string, readonly UnitName[]>> = {
  y: ['year'],
  w: ['week'],
  d: ['day'],
  h: ['hour'],
  s: ['second'],
  m: ['month', 'minute', 'millisecond', 'microsecond'],
};

const MICROS_PER_UNIT: Readonly<Record<UnitName, bigint>> = {
  year: 0n,
  month: 0n,
  week: 0n,
  day: 0n,
  hour: 3_600_000_000n,
  minute: 60_000_000n,
  second: 1_000_000n,
  millisecond: 1_000n,
  microsecond: 1n,
};

export interface Totals {
  months: bigint;
  days: bigint;
  micros: bigint;
}

const MONTHS_PER_UNIT = { year: 12n, month: 1n } as const;
const DAYS_PER_UNIT = { week: 7n, day: 1n } as const;

/** `value` in a smaller unit: a multiple is checked as a long first (Spark's multiplyExact), one unit is `value` itself. */
function scaled(value: bigint, per: bigint): bigint {
  return per === 1n ? value : exactLong(per * value);
}

/**
 * Adds `value` units (plus `fractionMicros`, non-zero only for seconds) to the running totals, with
 * Spark's overflow checks: months and days are ints, microseconds a long.
 */
export function addUnit(t: Totals, unit: UnitName, value: bigint, fractionMicros: bigint): void {
  switch (unit) {
    case 'year':
    case 'month':
      t.months = exactInt(t.months + exactInt(scaled(value, MONTHS_PER_UNIT[unit])));
      return;
    case 'week':
    case 'day':
      t.days = exactInt(t.days + exactInt(scaled(value, DAYS_PER_UNIT[unit])));
      return;
    case 'hour':
    case 'minute':
    case 'second':
    case 'millisecond':
    case 'microsecond':
      t.micros = exactLong(exactLong(t.micros + exactLong(value * MICROS_PER_UNIT[unit])) + fractionMicros);
      return;
    default: {
      const never: never = unit;
      throw new Error(`unit ${String(never)}`);
    }
  }
}

function formatError(input: string, sub: string, params: Record<string, string> = {}): IllegalArgumentError {
  return IllegalArgumentError.withClass(`INVALID_INTERVAL_FORMAT.${sub}`, { input, ...params });
}

type State =
  | 'prefix'
  | 'trimBeforeSign'
  | 'sign'
  | 'trimBeforeValue'
  | 'value'
  | 'fraction'
  | 'trimBeforeUnit'
  | 'unitBegin'
  | 'unitSuffix'
  | 'unitEnd';

/** The state each space-skipping state moves to at the first other character. */
const AFTER_SPACES: Readonly<Record<'trimBeforeSign' | 'trimBeforeValue' | 'trimBeforeUnit', State>> = {
  trimBeforeSign: 'sign',
  trimBeforeValue: 'value',
  trimBeforeUnit: 'unitBegin',
};

function afterSpaces(state: keyof typeof AFTER_SPACES): State {
  return AFTER_SPACES[state];
}

const FRACTION_START = 100_000_000; // nanoseconds of the first fractional digit

/**
 * Spark's `stringToInterval` (used as is by `Trigger.ProcessingTime`): an optional `interval`
 * prefix, then `[+|-]number unit` pairs. Malformed input raises `INVALID_INTERVAL_FORMAT.*`
 * (an IllegalArgumentException in Spark).
 */
export function stringToInterval(input: string): CalendarInterval {
  const s = trimAll(input).toLowerCase();
  if (s.length === 0) throw formatError(input, 'INPUT_IS_EMPTY');
  const currentWord = (i: number): string => {
    const all = splitWords(s);
    return all[all.length - splitWords(s.slice(i)).length] ?? '';
  };
  const t: Totals = { months: 0n, days: 0n, micros: 0n };
  let state: State = 'prefix';
  let i = 0;
  let negative = false;
  let value = 0n;
  let fraction = 0;
  let fractionScale = -1;
  let sawDigit = false;
  try {
    while (i < s.length) {
      const c = s[i] as string;
      switch (state) {
        case 'prefix':
          if (s.startsWith('interval')) {
            if (s.length === 8) throw formatError(input, 'INPUT_IS_EMPTY');
            if (!isSpace(s[8] as string)) throw formatError(input, 'INVALID_PREFIX', { prefix: currentWord(i) });
            i += 9;
          }
          state = 'trimBeforeSign';
          break;
        case 'trimBeforeSign':
        case 'trimBeforeValue':
        case 'trimBeforeUnit':
          if (isSpace(c)) i++;
          else state = afterSpaces(state);
          break;
        case 'sign':
          value = 0n;
          fraction = 0;
          fractionScale = -1;
          sawDigit = false;
          state = 'trimBeforeValue';
          if (c === '-' || c === '+') {
            negative = c === '-';
            i++;
          } else if (c >= '0' && c <= '9') {
            negative = false;
          } else if (c === '.') {
            negative = false;
            fractionScale = FRACTION_START;
            state = 'fraction';
            i++;
          } else {
            throw formatError(input, 'UNRECOGNIZED_NUMBER', { number: currentWord(i) });
          }
          break;
        case 'value':
          if (c >= '0' && c <= '9') {
            value = exactLong(value * 10n + BigInt(c.charCodeAt(0) - 48));
            sawDigit = true;
          } else if (isSpace(c)) {
            state = 'trimBeforeUnit';
          } else if (c === '.') {
            fractionScale = FRACTION_START;
            state = 'fraction';
          } else {
            throw formatError(input, 'INVALID_VALUE', { value: currentWord(i) });
          }
          i++;
          break;
        case 'fraction':
          if (c >= '0' && c <= '9' && fractionScale > 0) {
            fraction += (c.charCodeAt(0) - 48) * fractionScale;
            fractionScale = Math.floor(fractionScale / 10);
            sawDigit = true;
          } else if (isSpace(c) && (sawDigit || negative)) {
            fraction = Math.trunc(fraction / 1000);
            state = 'trimBeforeUnit';
          } else if (c >= '0' && c <= '9') {
            throw formatError(input, 'INVALID_PRECISION', { value: currentWord(i) });
          } else {
            throw formatError(input, 'INVALID_VALUE', { value: currentWord(i) });
          }
          i++;
          break;
        case 'unitBegin': {
          if (c !== 's' && fractionScale >= 0) throw formatError(input, 'INVALID_FRACTION', { unit: currentWord(i) });
          const unit = (UNITS_BY_LETTER[c] ?? []).find((u) => s.startsWith(u, i));
          if (unit === undefined) throw formatError(input, 'INVALID_UNIT', { unit: currentWord(i) });
          const signed = negative ? -value : value;
          addUnit(t, unit, signed, BigInt(negative ? -fraction : fraction));
          i += unit.length;
          state = 'unitSuffix';
          break;
        }
        case 'unitSuffix':
          if (c === 's') state = 'unitEnd';
          else if (isSpace(c)) state = 'trimBeforeSign';
          else throw formatError(input, 'INVALID_UNIT', { unit: currentWord(i) });
          i++;
          break;
        case 'unitEnd':
          if (!isSpace(c)) throw formatError(input, 'INVALID_UNIT', { unit: currentWord(i) });
          i++;
          state = 'trimBeforeSign';
          break;
        default: {
          const never: never = state;
          throw new Error(`state ${String(never)}`);
        }
      }
    }
  } catch (e) {
    if (e instanceof Overflow) throw formatError(input, 'ARITHMETIC_EXCEPTION');
    throw e;
  }
  switch (state) {
    case 'unitSuffix':
    case 'unitEnd':
    case 'trimBeforeSign':
      return { months: Number(t.months), days: Number(t.days), micros: Number(t.micros) };
    case 'trimBeforeValue':
      throw formatError(input, 'MISSING_NUMBER', { word: currentWord(i) });
    case 'value':
    case 'fraction':
      throw formatError(input, 'MISSING_UNIT', { word: currentWord(i) });
    default:
      throw formatError(input, 'UNKNOWN_PARSING_ERROR', { word: currentWord(i) });
  }
}
