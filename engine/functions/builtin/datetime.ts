import { RuntimeDataError } from '../../errors/errors.js';
import { constVector, type Vector } from '../../batch/vector.js';
import { B, type BoundExpr } from '../../expr/bound-expr.js';
import { compileCast } from '../../expr/cast.js';
import { T, isTimestamp, type DataType } from '../../types/data-type.js';
import { localFields, zoneOffsetMs, type LocalFields } from '../../types/time.js';
import { civilFromDays, daysFromCivil } from '../../types/time-zone.js';
import type { EvalContext, ResolveContext, ScalarFunction } from '../function.js';
import { castTo, checkArity, coerceArgs, type TypeSpec } from '../type-coercion.js';
import { DatetimeParseError, formatWithPattern, parseWithPattern } from './datetime-format.js';
import { nullableOf } from './operators.js';
import { renamed } from './strings.js';
import { simpleFunction } from './scalar-helpers.js';
import { map1, map2 } from './vectorize.js';

/**
 * Date and time functions over µs timestamps and day-number dates, in the session time zone.
 * `current_timestamp()` is the micro-batch's timestamp: one constant for the whole batch.
 */

const USEC_PER_SEC = 1_000_000;
const MS_PER_DAY = 86_400_000;
const DEFAULT_FORMAT = 'yyyy-MM-dd HH:mm:ss';

function localMs(us: number, timeZone: string): number {
  const ms = Math.floor(us / 1000);
  return ms + zoneOffsetMs(ms, timeZone);
}

function dayOf(us: number, timeZone: string): number {
  return Math.floor(localMs(us, timeZone) / MS_PER_DAY);
}

function nullary(name: string, type: DataType, value: (ctx: EvalContext) => unknown): ScalarFunction {
  return {
    name,
    deterministic: false,
    resolve(args) {
      checkArity(name, args, [0]);
      return { args, type, nullable: false };
    },
    evaluate: (_args, _n, ctx) => constVector(value(ctx)),
  };
}

export const currentTimestamp = nullary('current_timestamp', T.timestamp, (ctx) => ctx.batchTimestampUs);
export const currentDate = nullary('current_date', T.date, (ctx) => dayOf(ctx.batchTimestampUs, ctx.timeZone));

/** A one-argument function: the argument cast to `input`, then `f` with the session time zone. */
function unary(name: string, input: TypeSpec, type: DataType, f: (x: any, timeZone: string) => unknown): ScalarFunction {
  return {
    name,
    resolve(args, ctx) {
      checkArity(name, args, [1]);
      const cast = coerceArgs(name, args, [input], ctx);
      return { args: cast, type, nullable: cast.some(nullableOf) };
    },
    evaluate: (args, n, ctx) => map1(args[0] as Vector, n, (x) => f(x, ctx.timeZone)),
  };
}

/** Date fields read a date; a timestamp argument is first cast to date (Spark's GetDateField rule). */
type Civil = { readonly year: number; readonly month: number; readonly day: number; readonly days: number };

function dateField(name: string, f: (d: Civil) => number): ScalarFunction {
  return {
    ...unary(name, T.date, T.integer, (days: number) => f({ ...civilFromDays(days), days })),
    resolve(args, ctx: ResolveContext) {
      checkArity(name, args, [1]);
      const a = args[0] as BoundExpr;
      const cast = isTimestamp(a.type) ? castTo(a, T.date, ctx) : (coerceArgs(name, args, [T.date], ctx)[0] as BoundExpr);
      return { args: [cast], type: T.integer, nullable: nullableOf(cast) };
    },
  };
}

function timeField(name: string, f: (d: LocalFields) => number): ScalarFunction {
  return unary(name, T.timestamp, T.integer, (us: number, tz: string) => f(localFields(us, tz)));
}

export const year = dateField('year', (d) => d.year);
export const month = dateField('month', (d) => d.month);
export const dayOfMonth = dateField('dayofmonth', (d) => d.day);
/** Sunday = 1 ... Saturday = 7; 1970-01-01 was a Thursday. */
export const dayOfWeek = dateField('dayofweek', (d) => ((((d.days + 4) % 7) + 7) % 7) + 1);
export const dayOfYear = dateField('dayofyear', (d) => d.days - daysFromCivil(d.year, 1, 1) + 1);
export const quarter = dateField('quarter', (d) => Math.floor((d.month - 1) / 3) + 1);
export const hour = timeField('hour', (d) => d.hour);
export const minute = timeField('minute', (d) => d.minute);
export const second = timeField('second', (d) => d.second);

function fromNumber(name: string, scale: number, integralOnly: boolean): ScalarFunction {
  return unary(name, integralOnly ? 'integral' : 'numeric', T.timestamp, (x: number) => Math.trunc(x * scale));
}

export const timestampSeconds = fromNumber('timestamp_seconds', USEC_PER_SEC, false);
export const timestampMillis = fromNumber('timestamp_millis', 1000, true);
export const timestampMicros = fromNumber('timestamp_micros', 1, true);

export const unixSeconds = unary('unix_seconds', T.timestamp, T.long, (us: number) => Math.floor(us / USEC_PER_SEC));
export const unixMillis = unary('unix_millis', T.timestamp, T.long, (us: number) => Math.floor(us / 1000));
export const unixMicros = unary('unix_micros', T.timestamp, T.long, (us: number) => us);

function cannotParse(e: DatetimeParseError): RuntimeDataError {
  return new RuntimeDataError('', {
    errorClass: 'CANNOT_PARSE_TIMESTAMP',
    messageParameters: { message: e.message, func: '`try_to_timestamp`' },
    sparkClass: 'org.apache.spark.SparkDateTimeException',
    cause: e,
  });
}

/** Parses with a pattern: ANSI raises CANNOT_PARSE_TIMESTAMP, otherwise NULL. */
function parseOrFail(s: string, pattern: string, ctx: EvalContext): number | null {
  try {
    return parseWithPattern(s, pattern, ctx.timeZone);
  } catch (e) {
    if (!(e instanceof DatetimeParseError)) throw e;
    if (ctx.ansi) throw cannotParse(e);
    return null;
  }
}

/** A timestamp from a string (with an optional pattern), a date or a timestamp. */
function toTimestampValue(from: DataType, pattern: Vector | undefined, n: number, x: Vector, ctx: EvalContext): Vector {
  if (pattern === undefined || from.kind !== 'string') {
    return compileCast(from, T.timestamp, ctx.ansi ? 'ansi' : 'legacy')(x, n, ctx);
  }
  return map2(x, pattern, n, (s: string, p: string) => parseOrFail(s, p, ctx));
}

function timestampInput(name: string, args: readonly BoundExpr[], ctx: ResolveContext): BoundExpr[] {
  checkArity(name, args, [1, 2]);
  const [a] = args as [BoundExpr];
  const first = a.type.kind === 'string' || isTimestamp(a.type) || a.type.kind === 'date' ? a : (coerceArgs(name, [a], [T.timestamp], ctx)[0] as BoundExpr);
  return args.length === 2 ? [first, coerceArgs(name, args, ['any', T.string], ctx)[1] as BoundExpr] : [first];
}

export const toTimestamp: ScalarFunction = {
  name: 'to_timestamp',
  resolve(args, ctx) {
    const cast = timestampInput('to_timestamp', args, ctx);
    return { args: cast, type: T.timestamp, nullable: true };
  },
  evaluate: (args, n, ctx, call) => toTimestampValue((call.args[0] as BoundExpr).type, args[1], n, args[0] as Vector, ctx),
};

export const toDate: ScalarFunction = {
  name: 'to_date',
  resolve(args, ctx) {
    const cast = timestampInput('to_date', args, ctx);
    return { args: cast, type: T.date, nullable: true };
  },
  evaluate(args, n, ctx, call) {
    const from = (call.args[0] as BoundExpr).type;
    const mode = ctx.ansi ? 'ansi' : 'legacy';
    if (args.length === 1) return compileCast(from, T.date, mode)(args[0] as Vector, n, ctx);
    const ts = toTimestampValue(from, args[1], n, args[0] as Vector, ctx);
    return map1(ts, n, (us: number) => dayOf(us, ctx.timeZone));
  },
};

export const unixTimestamp: ScalarFunction = {
  name: 'unix_timestamp',
  aliases: ['to_unix_timestamp'],
  resolve(args, ctx) {
    checkArity('unix_timestamp', args, [0, 1, 2]);
    const full =
      args.length === 0
        ? [B.call('current_timestamp', [], T.timestamp, false), B.lit(DEFAULT_FORMAT, T.string)]
        : args.length === 1
          ? [args[0] as BoundExpr, B.lit(DEFAULT_FORMAT, T.string)]
          : args;
    const cast = timestampInput('unix_timestamp', full, ctx);
    return { args: cast, type: T.long, nullable: true };
  },
  evaluate(args, n, ctx, call) {
    const ts = toTimestampValue((call.args[0] as BoundExpr).type, args[1], n, args[0] as Vector, ctx);
    return map1(ts, n, (us: number) => Math.floor(us / USEC_PER_SEC));
  },
};

export const dateFormat = simpleFunction('date_format', [T.timestamp, T.string], [2], T.string, ([us, p]: [number, string], ctx) =>
  formatWithPattern(us, p, ctx.timeZone),
);

function dateArith(name: string, sign: 1 | -1): ScalarFunction {
  return {
    name,
    resolve(args, ctx) {
      checkArity(name, args, [2]);
      const [d] = args as [BoundExpr];
      const start = isTimestamp(d.type) ? castTo(d, T.date, ctx) : (coerceArgs(name, [d], [T.date], ctx)[0] as BoundExpr);
      const days = coerceArgs(name, args, ['any', [T.integer, T.short, T.byte]], ctx)[1] as BoundExpr;
      return { args: [start, days], type: T.date, nullable: nullableOf(start) || nullableOf(days) };
    },
    evaluate: (args, n) => map2(args[0] as Vector, args[1] as Vector, n, (d: number, k: number) => d + sign * k),
  };
}

export const dateAdd = dateArith('date_add', 1);
export const dateSub = dateArith('date_sub', -1);

export const dateDiff: ScalarFunction = {
  name: 'datediff',
  resolve(args, ctx) {
    checkArity('datediff', args, [2]);
    const cast = args.map((a) => (isTimestamp(a.type) ? castTo(a, T.date, ctx) : (coerceArgs('datediff', [a], [T.date], ctx)[0] as BoundExpr)));
    return { args: cast, type: T.integer, nullable: cast.some(nullableOf) };
  },
  evaluate: (args, n) => map2(args[0] as Vector, args[1] as Vector, n, (end: number, start: number) => end - start),
};

export const DATETIME_FUNCTIONS: readonly ScalarFunction[] = [
  currentTimestamp,
  renamed(currentTimestamp, 'now'),
  currentDate,
  year,
  month,
  dayOfMonth,
  renamed(dayOfMonth, 'day'),
  dayOfWeek,
  dayOfYear,
  quarter,
  hour,
  minute,
  second,
  timestampSeconds,
  timestampMillis,
  timestampMicros,
  unixSeconds,
  unixMillis,
  unixMicros,
  toTimestamp,
  toDate,
  unixTimestamp,
  dateFormat,
  dateAdd,
  renamed(dateAdd, 'dateadd'),
  dateSub,
  dateDiff,
];
