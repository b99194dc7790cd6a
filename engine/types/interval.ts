/**
 * Spark interval strings (`"10 seconds"`, `"1 hour 30 minutes"`, `"interval '10' second"`) and the
 * durations built from them: window widths, watermark delays, trigger intervals.
 */
import { AnalysisError, IllegalArgumentError } from '../errors/errors.js';
import { addUnit, exactLong, stringToInterval, type CalendarInterval, type Totals, type UnitName } from './interval-string.js';
import { MICROS_PER_DAY } from './time.js';

export { stringToInterval, type CalendarInterval } from './interval-string.js';

/** Spark's `toSQLValue` for a string: single-quoted, with `\` and `'` escaped. */
function sqlString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

const SQL_UNITS: readonly UnitName[] = [
  'year',
  'month',
  'week',
  'day',
  'hour',
  'minute',
  'second',
  'millisecond',
  'microsecond',
];

/**
 * The SQL literal form `interval <value> <unit> ...` (values may be quoted: `'10'`), or
 * `interval '<unit list>'`. Year-month and day-time units may not be mixed, as in Spark's parser.
 */
function sqlIntervalLiteral(input: string): CalendarInterval {
  const body = input.trim().slice('interval'.length);
  if (body !== '' && !/^\s/.test(body)) throw new Error('not an interval literal');
  const quotedOnly = /^\s*'([^']*)'\s*$/.exec(body);
  if (quotedOnly) return stringToInterval(quotedOnly[1] as string);
  const tokens = body.trim().split(/\s+/);
  if (tokens.length === 0 || tokens.length % 2 !== 0) throw new Error('unit list expected');
  const t: Totals = { months: 0n, days: 0n, micros: 0n };
  let yearMonth = false;
  let dayTime = false;
  for (let k = 0; k < tokens.length; k += 2) {
    const raw = tokens[k] as string;
    const unitText = (tokens[k + 1] as string).toLowerCase();
    const num = /^([+-])?(?:'([+-])?(\d*)(?:\.(\d*))?'|(\d*)(?:\.(\d*))?)$/.exec(raw);
    const unit = SQL_UNITS.find((u) => unitText === u || unitText === `${u}s`);
    if (!num || unit === undefined) throw new Error('bad unit list');
    const intPart = num[3] ?? num[5] ?? '';
    const fracPart = num[4] ?? num[6];
    if (intPart === '' && (fracPart === undefined || fracPart === '')) throw new Error('number expected');
    if (fracPart !== undefined && unit !== 'second') throw new Error('fraction only on seconds');
    if (fracPart !== undefined && fracPart.length > 9) throw new Error('precision');
    const negative = (num[1] === '-') !== (num[2] === '-');
    const whole = BigInt(intPart === '' ? '0' : intPart);
    const fracMicros = BigInt((fracPart ?? '').padEnd(6, '0').slice(0, 6) || '0');
    if (unit === 'year' || unit === 'month') yearMonth = true;
    else dayTime = true;
    addUnit(t, unit, negative ? -whole : whole, negative ? -fracMicros : fracMicros);
  }
  if (yearMonth && dayTime) throw new Error('cannot mix year-month and day-time fields');
  // Day-time literals are one duration: days fold into microseconds.
  const micros = exactLong(t.days * BigInt(MICROS_PER_DAY) + t.micros);
  return { months: Number(t.months), days: 0, micros: Number(micros) };
}

/**
 * Spark's `IntervalUtils.fromIntervalString`, used by `window` and `withWatermark`: text starting
 * with `interval` is a SQL interval literal, anything else goes through `stringToInterval`. Any
 * failure is the AnalysisException `CANNOT_PARSE_INTERVAL`.
 */
export function fromIntervalString(input: string): CalendarInterval {
  try {
    if (input.toLowerCase().trim().startsWith('interval')) return sqlIntervalLiteral(input);
    return stringToInterval(input);
  } catch (e) {
    throw AnalysisError.withClass('CANNOT_PARSE_INTERVAL', { intervalString: sqlString(input) }, e);
  }
}

/** An interval string as `{months, micros}` (days folded into micros at 24 h each). */
export function parseIntervalMicros(text: string): { months: number; micros: number } {
  const cal = fromIntervalString(text);
  return { months: cal.months, micros: cal.days * MICROS_PER_DAY + cal.micros };
}

/**
 * A window/slide/start duration in µs (`TimeWindow.getIntervalInMicroSeconds`). Months are
 * rejected; the sign is not checked here (the analyzer reports non-positive widths).
 */
export function windowDurationMicros(text: string, paramName = 'windowDuration'): number {
  void paramName;
  const cal = fromIntervalString(text);
  if (cal.months !== 0) {
    throw IllegalArgumentError.withClass('_LEGACY_ERROR_TEMP_3231', { interval: text });
  }
  return cal.days * MICROS_PER_DAY + cal.micros;
}

/** Microseconds of an interval counting a month as 31 days (`IntervalUtils.getDuration`). */
function durationMicros(cal: CalendarInterval): number {
  return (cal.months * 31 + cal.days) * MICROS_PER_DAY + cal.micros;
}

/** `withWatermark` delay in ms: months allowed (31 days each), negative rejected. */
export function delayMillis(text: string): number {
  const micros = durationMicros(fromIntervalString(text));
  if (micros < 0) {
    throw new IllegalArgumentError(`requirement failed: delay threshold (${text}) should not be negative.`);
  }
  return Math.trunc(micros / 1000);
}

/**
 * `Trigger.ProcessingTime` interval in ms: a number is already ms; a string is parsed with
 * `stringToInterval` (so `"1500"` without a unit is an error, as in Spark). Months and negative
 * intervals are rejected.
 */
export function triggerIntervalMillis(interval: string | number): number {
  let ms: number;
  if (typeof interval === 'number') {
    ms = interval;
  } else {
    const cal = stringToInterval(interval);
    if (cal.months !== 0) throw IllegalArgumentError.withClass('_LEGACY_ERROR_TEMP_3262', { interval });
    ms = Math.trunc(durationMicros(cal) / 1000);
  }
  if (ms < 0) throw new IllegalArgumentError('requirement failed: the interval of trigger should not be negative');
  return ms;
}
