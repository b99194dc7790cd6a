import { constVector, type Vector } from '../../batch/vector.js';
import { AnalysisError } from '../../errors/errors.js';
import { B, type BoundExpr } from '../../expr/bound-expr.js';
import { T, isTimestamp } from '../../types/data-type.js';
import { fromLocalFields, localFields } from '../../types/time.js';
import { civilFromDays, daysFromCivil, daysInMonth } from '../../types/time-zone.js';
import type { ScalarFunction } from '../function.js';
import { castTo, checkArity, coerceArgs, isFoldable } from '../type-coercion.js';
import { formatWithPattern } from './datetime-format.js';
import { nullableOf } from './operators.js';
import { neverNullResolve, simpleFunction } from './scalar-helpers.js';
import { map1, map2 } from './vectorize.js';

/**
 * Calendar functions a notebook reaches for: truncation (`date_trunc`, `trunc`), fields
 * (`date_part`, `EXTRACT`, `weekofyear`), month arithmetic (`last_day`, `months_between`,
 * `timestampadd`), `from_unixtime` and `current_timezone`. Local fields are in the session time zone.
 */

const US_PER_SEC = 1_000_000;
const US_PER_DAY = 86_400 * US_PER_SEC;

/** ISO-8601 week of the year (weeks start on Monday; week 1 holds the year's first Thursday). */
export function isoWeek(days: number): number {
  const dow = ((((days + 3) % 7) + 7) % 7) + 1; // Monday = 1
  const thursday = days - dow + 4;
  const { year } = civilFromDays(thursday);
  return Math.floor((thursday - daysFromCivil(year, 1, 1)) / 7) + 1;
}

function isoYear(days: number): number {
  const dow = ((((days + 3) % 7) + 7) % 7) + 1;
  return civilFromDays(days - dow + 4).year;
}

function mondayOf(days: number): number {
  return days - ((((days + 3) % 7) + 7) % 7);
}

/** A date level of `trunc` / `date_trunc`, or undefined for an unknown format (NULL result). */
type DateLevel = 'year' | 'quarter' | 'month' | 'week';
type TimeLevel = DateLevel | 'day' | 'hour' | 'minute' | 'second' | 'millisecond' | 'microsecond';

function truncLevel(format: string): TimeLevel | undefined {
  switch (format.toUpperCase()) {
    case 'YEAR':
    case 'YYYY':
    case 'YY':
      return 'year';
    case 'QUARTER':
      return 'quarter';
    case 'MONTH':
    case 'MM':
    case 'MON':
      return 'month';
    case 'WEEK':
      return 'week';
    case 'DAY':
    case 'DD':
      return 'day';
    case 'HOUR':
      return 'hour';
    case 'MINUTE':
      return 'minute';
    case 'SECOND':
      return 'second';
    case 'MILLISECOND':
      return 'millisecond';
    case 'MICROSECOND':
      return 'microsecond';
    default:
      return undefined;
  }
}

function truncDays(days: number, level: DateLevel): number {
  const { year, month } = civilFromDays(days);
  switch (level) {
    case 'year':
      return daysFromCivil(year, 1, 1);
    case 'quarter':
      return daysFromCivil(year, month - ((month - 1) % 3), 1);
    case 'month':
      return daysFromCivil(year, month, 1);
    case 'week':
      return mondayOf(days);
  }
}

function truncTimestamp(us: number, level: TimeLevel, timeZone: string): number {
  switch (level) {
    case 'microsecond':
      return us;
    case 'millisecond':
      return Math.floor(us / 1000) * 1000;
    case 'second':
      return Math.floor(us / US_PER_SEC) * US_PER_SEC;
    default:
      break;
  }
  const f = localFields(us, timeZone);
  const days = daysFromCivil(f.year, f.month, f.day);
  const at = (d: number, hour = 0, minute = 0): number => {
    const c = civilFromDays(d);
    return fromLocalFields({ year: c.year, month: c.month, day: c.day, hour, minute }, timeZone);
  };
  switch (level) {
    case 'minute':
      return at(days, f.hour, f.minute);
    case 'hour':
      return at(days, f.hour);
    case 'day':
      return at(days);
    default:
      return at(truncDays(days, level));
  }
}

export const dateTrunc = simpleFunction(
  'date_trunc',
  [T.string, T.timestamp],
  [2],
  T.timestamp,
  ([fmt, us]: [string, number], ctx) => {
    const level = truncLevel(fmt);
    return level === undefined ? null : truncTimestamp(us, level, ctx.timeZone);
  },
  { mayReturnNull: true },
);

export const trunc: ScalarFunction = {
  ...simpleFunction(
    'trunc',
    [T.date, T.string],
    [2],
    T.date,
    ([days, fmt]: [number, string]) => {
      const level = truncLevel(fmt);
      return level === 'year' || level === 'quarter' || level === 'month' || level === 'week' ? truncDays(days, level) : null;
    },
    { mayReturnNull: true },
  ),
  resolve(args, ctx) {
    checkArity('trunc', args, [2]);
    const [d, f] = args as [BoundExpr, BoundExpr];
    const date = isTimestamp(d.type) ? castTo(d, T.date, ctx) : (coerceArgs('trunc', [d], [T.date], ctx)[0] as BoundExpr);
    const fmt = coerceArgs('trunc', [d, f], ['any', T.string], ctx)[1] as BoundExpr;
    return { args: [date, fmt], type: T.date, nullable: true };
  },
};

/** A date argument; a timestamp is cast to date first (Spark's implicit rule for date functions). */
function dateArg(name: string, args: readonly BoundExpr[], ctx: Parameters<ScalarFunction['resolve']>[1]): BoundExpr {
  const a = args[0] as BoundExpr;
  return isTimestamp(a.type) ? castTo(a, T.date, ctx) : (coerceArgs(name, [a], [T.date], ctx)[0] as BoundExpr);
}

function dateFunction(name: string, type: typeof T.date | typeof T.integer, f: (days: number) => number): ScalarFunction {
  return {
    name,
    resolve(args, ctx) {
      checkArity(name, args, [1]);
      const d = dateArg(name, args, ctx);
      return { args: [d], type, nullable: nullableOf(d) };
    },
    evaluate: (args, n) => map1(args[0] as Vector, n, f),
  };
}

export const weekOfYear = dateFunction('weekofyear', T.integer, isoWeek);
export const lastDay = dateFunction('last_day', T.date, (days) => {
  const { year, month } = civilFromDays(days);
  return daysFromCivil(year, month, daysInMonth(year, month));
});

export const fromUnixTime = simpleFunction(
  'from_unixtime',
  [T.long, T.string],
  [1, 2],
  T.string,
  ([sec, fmt]: [number, string], ctx) => formatWithPattern(sec * US_PER_SEC, fmt, ctx.timeZone),
  { defaults: [B.lit('yyyy-MM-dd HH:mm:ss', T.string)] },
);

/** Spark's `monthsBetween`: whole months when both days match (or both are month ends), else /31 days. */
function monthsBetween(us1: number, us2: number, roundOff: boolean, timeZone: string): number {
  const a = localFields(us1, timeZone);
  const b = localFields(us2, timeZone);
  const months = (a.year - b.year) * 12 + (a.month - b.month);
  const lastA = a.day === daysInMonth(a.year, a.month);
  const lastB = b.day === daysInMonth(b.year, b.month);
  if (a.day === b.day || (lastA && lastB)) return months;
  const secs = (f: typeof a): number => (f.day - 1) * 86_400 + f.hour * 3600 + f.minute * 60 + f.second;
  // Spark truncates each instant to whole seconds of its day here.
  const diff = months + (secs(a) - secs(b)) / (31 * 86_400);
  return roundOff ? Math.round(diff * 1e8) / 1e8 : diff;
}

export const monthsBetweenFunction = simpleFunction(
  'months_between',
  [T.timestamp, T.timestamp, T.boolean],
  [2, 3],
  T.double,
  ([a, b, round]: [number, number, boolean], ctx) => monthsBetween(a, b, round, ctx.timeZone),
  { defaults: [B.lit(true, T.boolean)] },
);

export const currentTimezone: ScalarFunction = {
  name: 'current_timezone',
  resolve: neverNullResolve('current_timezone', [0], T.string),
  evaluate: (_args, _n, ctx) => constVector(ctx.timeZone),
};

// ---- fields: date_part / EXTRACT ----

type Field = { readonly type: typeof T.integer | typeof T.double; readonly get: (us: number, tz: string) => number };

function localDays(us: number, tz: string): number {
  const f = localFields(us, tz);
  return daysFromCivil(f.year, f.month, f.day);
}

const FIELDS: ReadonlyMap<string, Field> = (() => {
  const m = new Map<string, Field>();
  const add = (names: string[], field: Field): void => names.forEach((n) => m.set(n, field));
  const int = (get: Field['get']): Field => ({ type: T.integer, get });
  add(['YEAR', 'Y', 'YEARS', 'YR', 'YRS'], int((us, tz) => localFields(us, tz).year));
  add(['YEAROFWEEK'], int((us, tz) => isoYear(localDays(us, tz))));
  add(['QUARTER', 'QTR'], int((us, tz) => Math.floor((localFields(us, tz).month - 1) / 3) + 1));
  add(['MONTH', 'MON', 'MONS', 'MONTHS'], int((us, tz) => localFields(us, tz).month));
  add(['WEEK', 'W', 'WEEKS'], int((us, tz) => isoWeek(localDays(us, tz))));
  add(['DAY', 'D', 'DAYS'], int((us, tz) => localFields(us, tz).day));
  add(['DAYOFWEEK', 'DOW'], int((us, tz) => (localFields(us, tz).dayOfWeek % 7) + 1));
  add(['DAYOFWEEK_ISO', 'DOW_ISO'], int((us, tz) => localFields(us, tz).dayOfWeek));
  add(['DOY'], int((us, tz) => {
    const f = localFields(us, tz);
    return daysFromCivil(f.year, f.month, f.day) - daysFromCivil(f.year, 1, 1) + 1;
  }));
  add(['HOUR', 'H', 'HOURS', 'HR', 'HRS'], int((us, tz) => localFields(us, tz).hour));
  add(['MINUTE', 'M', 'MIN', 'MINS', 'MINUTES'], int((us, tz) => localFields(us, tz).minute));
  // Spark's SECOND is DECIMAL(8, 6); Kindling's decimals are doubles.
  add(['SECOND', 'S', 'SEC', 'SECONDS', 'SECS'], {
    type: T.double,
    get: (us, tz) => {
      const f = localFields(us, tz);
      return f.second + f.micros / US_PER_SEC;
    },
  });
  return m;
})();

const DATE_ONLY = new Set(['YEAR', 'YEAROFWEEK', 'QUARTER', 'MONTH', 'WEEK', 'DAY', 'DAYOFWEEK', 'DAYOFWEEK_ISO', 'DOY']);

function datePart(name: 'date_part' | 'extract', pretty: (args: readonly string[]) => string): ScalarFunction {
  return {
    name,
    aliases: name === 'date_part' ? ['datepart'] : [],
    resolve(args, ctx) {
      checkArity(name, args, [2]);
      const [f, source] = args as [BoundExpr, BoundExpr];
      if (!isFoldable(f) || f.kind !== 'literal' || typeof f.value !== 'string') {
        throw AnalysisError.withClass('NON_FOLDABLE_ARGUMENT', { funcName: `\`${name}\``, paramName: '`field`', paramType: '"STRING"' });
      }
      const key = f.value.toUpperCase();
      const field = FIELDS.get(key);
      const onDate = source.type.kind === 'date';
      const canonical = [...FIELDS.entries()].find(([, v]) => v === field)?.[0] ?? key;
      if (!field || (onDate && !DATE_ONLY.has(canonical)) || !(onDate || isTimestamp(source.type) || source.type.kind === 'string')) {
        throw AnalysisError.withClass('INVALID_EXTRACT_FIELD', { field: `\`${f.value}\``, expr: `"${pretty(['', ''])}"` });
      }
      const ts = onDate ? source : castTo(source, T.timestamp, ctx);
      return { args: [f, ts], type: field.type, nullable: nullableOf(ts) };
    },
    evaluate(args, n, ctx, call) {
      const f = call.args[0] as BoundExpr;
      const field = FIELDS.get(String(f.kind === 'literal' ? f.value : '').toUpperCase()) as Field;
      const onDate = (call.args[1] as BoundExpr).type.kind === 'date';
      const tz = onDate ? 'UTC' : ctx.timeZone;
      return map1(args[1] as Vector, n, (x: number) => field.get(onDate ? x * US_PER_DAY : x, tz));
    },
    prettyName: pretty,
  };
}

export const datePartFunction = datePart('date_part', (a) => `date_part(${a[0] ?? ''}, ${a[1] ?? ''})`);
/** `EXTRACT(HOUR FROM ts)`: the parser calls `extract(field, source)`. */
export const extractFunction = datePart('extract', (a) => `extract(${a[0] ?? ''} FROM ${a[1] ?? ''})`);

// ---- timestampadd ----

const ADD_UNITS: Readonly<Record<string, number | 'month' | 'quarter' | 'year' | 'day' | 'week'>> = {
  MICROSECOND: 1,
  MILLISECOND: 1000,
  SECOND: US_PER_SEC,
  MINUTE: 60 * US_PER_SEC,
  HOUR: 3600 * US_PER_SEC,
  DAY: 'day',
  DAYOFYEAR: 'day',
  WEEK: 'week',
  MONTH: 'month',
  QUARTER: 'quarter',
  YEAR: 'year',
};

/** Adds months in local time, the day clamped to the target month's length (Java's plusMonths). */
function addMonths(us: number, months: number, tz: string): number {
  const f = localFields(us, tz);
  const total = f.year * 12 + (f.month - 1) + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12 + 1;
  const day = Math.min(f.day, daysInMonth(year, month));
  return fromLocalFields({ year, month, day, hour: f.hour, minute: f.minute, second: f.second, micros: f.micros }, tz);
}

function addDays(us: number, days: number, tz: string): number {
  const f = localFields(us, tz);
  const c = civilFromDays(daysFromCivil(f.year, f.month, f.day) + days);
  return fromLocalFields({ year: c.year, month: c.month, day: c.day, hour: f.hour, minute: f.minute, second: f.second, micros: f.micros }, tz);
}

export function timestampAddUnit(unit: string, amount: number, us: number, tz: string): number {
  const u = ADD_UNITS[unit.toUpperCase()];
  if (typeof u === 'number') return us + amount * u;
  switch (u) {
    case 'day':
      return addDays(us, amount, tz);
    case 'week':
      return addDays(us, amount * 7, tz);
    case 'month':
      return addMonths(us, amount, tz);
    case 'quarter':
      return addMonths(us, amount * 3, tz);
    case 'year':
      return addMonths(us, amount * 12, tz);
    default:
      throw new Error(`unknown unit ${unit}`);
  }
}

export const timestampAdd: ScalarFunction = {
  name: 'timestampadd',
  resolve(args, ctx) {
    if (args.length === 2) {
      throw AnalysisError.withClass('WRONG_NUM_ARGS.WITHOUT_SUGGESTION', {
        functionName: '`timestampadd`',
        expectedNum: '3',
        actualNum: '2',
        docroot: 'https://spark.apache.org/docs/latest',
      });
    }
    checkArity('timestampadd', args, [3]);
    const [unit, amount, ts] = args as [BoundExpr, BoundExpr, BoundExpr];
    const name = unit.kind === 'literal' && typeof unit.value === 'string' ? unit.value.toUpperCase() : undefined;
    if (name === undefined || ADD_UNITS[name] === undefined) {
      throw AnalysisError.withClass('INVALID_PARAMETER_VALUE.DATETIME_UNIT', {
        parameter: '`unit`',
        functionName: '`timestampadd`',
        invalidValue: `'${String(unit.kind === 'literal' ? unit.value : '')}'`,
      });
    }
    const n = coerceArgs('timestampadd', [unit, amount], ['any', T.long], ctx)[1] as BoundExpr;
    const t = ts.type.kind === 'timestamp_ntz' ? ts : castTo(ts, T.timestamp, ctx);
    return { args: [B.lit(name, T.string), n, t], type: t.type, nullable: nullableOf(n) || nullableOf(t) };
  },
  evaluate(args, n, ctx, call) {
    const unit = String((call.args[0] as { value?: unknown }).value);
    const tz = (call.args[2] as BoundExpr).type.kind === 'timestamp_ntz' ? 'UTC' : ctx.timeZone;
    return map2(args[1] as Vector, args[2] as Vector, n, (k: number, us: number) => timestampAddUnit(unit, k, us, tz));
  },
  prettyName: (a) => `timestampadd(${a[0] ?? ''}, ${a[1] ?? ''}, ${a[2] ?? ''})`,
};

export const DATETIME_FIELD_FUNCTIONS: readonly ScalarFunction[] = [
  dateTrunc,
  trunc,
  weekOfYear,
  lastDay,
  fromUnixTime,
  monthsBetweenFunction,
  currentTimezone,
  datePartFunction,
  extractFunction,
  timestampAdd,
];
