import { constVector, valuesVector, type Vector } from '../batch/vector.js';
import { RuntimeDataError } from '../errors/errors.js';
import { ATOMIC_TYPES, fitsIntegral, integralRange, isAtomicKind, isIntegralKind, wrapIntegral, type IntegralKind } from '../types/atomic-types.js';
import { assertNever, isNumeric, isTimestamp, type AtomicKind, type DataType, type StructField } from '../types/data-type.js';
import { fromLocalFields, parseDate, parseTimestamp, zoneOffsetMs } from '../types/time.js';
import { civilFromDays } from '../types/time-zone.js';
import { valueToString } from './cast-format.js';
import { dataTypeToSql } from '../types/type-sql.js';
import { parseBoolean, parseDouble, parseIntegral } from './cast-parse.js';
import { sqlLiteral } from './pretty-name.js';

/**
 * Spark 4 casts between Kindling's types. `ansi` raises CAST_INVALID_INPUT / CAST_OVERFLOW,
 * `try` gives NULL, `legacy` gives NULL for malformed input and wraps numeric overflow as Java
 * does. Timestamps are µs since the epoch; dates are days; string forms use the session time zone.
 */

export type CastMode = 'ansi' | 'try' | 'legacy';

/** What a cast needs to know besides the value. */
export interface CastContext {
  readonly timeZone: string;
}

/** Casts a whole column; const in, const out. */
export type Caster = (v: Vector, numRows: number, ctx: CastContext) => Vector;

type ValueCast = (x: any, ctx: CastContext) => unknown;

const INVALID = Symbol('invalid');
const OVERFLOW = Symbol('overflow');

const USEC_PER_SEC = 1_000_000;
const USEC_PER_DAY = 86_400_000_000;
const MS_PER_DAY = 86_400_000;

/** Spark 4's (ANSI) `Cast.canCast` over Kindling's types; resolution rejects other pairs. */
export function canCast(from: DataType, to: DataType): boolean {
  if (to.kind === 'string') return true;
  switch (from.kind) {
    case 'array':
      return to.kind === 'array' && canCast(from.elementType, to.elementType);
    case 'map':
      return to.kind === 'map' && canCast(from.keyType, to.keyType) && canCast(from.valueType, to.valueType);
    case 'struct':
      return (
        to.kind === 'struct' &&
        from.fields.length === to.fields.length &&
        from.fields.every((f, i) => canCast(f.type, (to.fields[i] as StructField).type))
      );
    default:
      return canCastAtomic(from.kind, to);
  }
}

function canCastAtomic(from: AtomicKind, to: DataType): boolean {
  const family = ATOMIC_TYPES[from].family;
  switch (family) {
    case 'null':
      return true;
    case 'string':
      return isAtomicKind(to.kind);
    case 'boolean':
    case 'integral':
    case 'fractional':
      return isNumeric(to) || to.kind === 'boolean' || to.kind === 'timestamp';
    case 'date':
      return to.kind === 'date' || isTimestamp(to);
    case 'timestamp':
      // Only the local-time-zone timestamp reads as seconds since the epoch.
      return (from === 'timestamp' && isNumeric(to)) || to.kind === 'date' || isTimestamp(to);
    case 'binary':
      return to.kind === 'binary';
    default:
      return assertNever(family);
  }
}

/** Compiles a cast once; the result runs per batch. */
export function compileCast(from: DataType, to: DataType, mode: CastMode): Caster {
  if (from.kind === 'null') return () => constVector(null);
  const f = valueCast(from, to, mode);
  return (v, n, ctx) => {
    if (v.kind === 'const') return constVector(v.value === null || v.value === undefined ? null : f(v.value, ctx));
    const src = v.values;
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const x = src[i];
      out[i] = x === null || x === undefined ? null : f(x, ctx);
    }
    return valuesVector(out);
  };
}

export function castVector(v: Vector, from: DataType, to: DataType, mode: CastMode, ctx: CastContext, numRows: number): Vector {
  return compileCast(from, to, mode)(v, numRows, ctx);
}

/** One value (NULL stays NULL). */
export function castValue(x: unknown, from: DataType, to: DataType, mode: CastMode, ctx: CastContext): unknown {
  if (x === null || x === undefined || from.kind === 'null') return null;
  return valueCast(from, to, mode)(x, ctx);
}

/** A non-null value cast with the mode's failure policy applied. */
function valueCast(from: DataType, to: DataType, mode: CastMode): ValueCast {
  const raw = rawCast(from, to, mode);
  return (x, ctx) => {
    const r = raw(x, ctx);
    if (r !== INVALID && r !== OVERFLOW) return r;
    if (mode === 'ansi') throw castError(r === INVALID ? 'CAST_INVALID_INPUT' : 'CAST_OVERFLOW', x, from, to);
    return null;
  };
}

function castError(errorClass: 'CAST_INVALID_INPUT' | 'CAST_OVERFLOW', x: unknown, from: DataType, to: DataType): RuntimeDataError {
  const value = sqlLiteral(x, from);
  const sourceType = `"${dataTypeToSql(from)}"`;
  const targetType = `"${dataTypeToSql(to)}"`;
  if (errorClass === 'CAST_OVERFLOW') {
    return new RuntimeDataError('', {
      errorClass,
      messageParameters: { value, sourceType, targetType },
      sparkClass: 'org.apache.spark.SparkArithmeticException',
    });
  }
  const sparkClass = isNumeric(to)
    ? 'org.apache.spark.SparkNumberFormatException'
    : to.kind === 'date' || isTimestamp(to)
      ? 'org.apache.spark.SparkDateTimeException'
      : 'org.apache.spark.SparkRuntimeException';
  return new RuntimeDataError('', { errorClass, messageParameters: { expression: value, sourceType, targetType }, sparkClass });
}

/** A number into an integral type: exact check, then ANSI overflow or Java's wrap / saturation. */
function toIntegral(kind: IntegralKind, x: number, fromFractional: boolean, mode: CastMode): number | typeof OVERFLOW {
  if (fromFractional) {
    if (!Number.isFinite(x)) {
      if (mode !== 'legacy') return OVERFLOW;
      return Number.isNaN(x) ? 0 : wrapIntegral(kind, x > 0 ? 2147483647 : -2147483648);
    }
    x = Math.trunc(x);
  }
  if (fitsIntegral(kind, x)) return x === 0 ? 0 : x;
  if (mode !== 'legacy') return OVERFLOW;
  if (!fromFractional) return wrapIntegral(kind, x);
  // Java: (long) d and (int) d saturate; (byte)/(short) go through int first.
  if (kind === 'long') return x > 0 ? 9223372036854775807 : -9223372036854775808;
  const asInt = Math.max(-2147483648, Math.min(2147483647, x));
  return kind === 'integer' ? asInt : wrapIntegral(kind, asInt);
}

/** Local wall-clock ms (in `timeZone`) of a UTC instant. */
function toLocalMs(utcMs: number, timeZone: string): number {
  return utcMs + zoneOffsetMs(utcMs, timeZone);
}

/** The instant (µs) of a local wall-clock time in µs, with java.time's gap and overlap rules. */
function fromLocalMicros(localUs: number, timeZone: string): number {
  const days = Math.floor(localUs / USEC_PER_DAY);
  const rest = localUs - days * USEC_PER_DAY;
  const sod = Math.floor(rest / USEC_PER_SEC);
  const { year, month, day } = civilFromDays(days);
  return fromLocalFields(
    { year, month, day, hour: Math.floor(sod / 3600), minute: Math.floor((sod % 3600) / 60), second: sod % 60, micros: rest - sod * USEC_PER_SEC },
    timeZone,
  );
}

function rawCast(from: DataType, to: DataType, mode: CastMode): ValueCast {
  if (to.kind === 'string') return (x, ctx) => valueToString(x, from, ctx.timeZone);
  if (from.kind === to.kind && isAtomicKind(from.kind)) return (x) => x;
  if (isNumeric(from)) return fromNumber(ATOMIC_TYPES[from.kind].family === 'fractional', to, mode);
  const toKind = to.kind;
  switch (from.kind) {
    case 'string':
      return fromString(to, mode);
    case 'boolean':
      if (isIntegralKind(toKind) || toKind === 'float' || toKind === 'double') return (x: boolean) => (x ? 1 : 0);
      if (toKind === 'timestamp') return (x: boolean) => (x ? 1 : 0);
      break;
    case 'date':
      if (toKind === 'timestamp') return (x: number, ctx) => fromLocalMicros(x * USEC_PER_DAY, ctx.timeZone);
      if (toKind === 'timestamp_ntz') return (x: number) => x * USEC_PER_DAY;
      break;
    case 'timestamp':
      if (toKind === 'date') return (x: number, ctx) => Math.floor(toLocalMs(Math.floor(x / 1000), ctx.timeZone) / MS_PER_DAY);
      if (toKind === 'timestamp_ntz') return (x: number, ctx) => x + zoneOffsetMs(Math.floor(x / 1000), ctx.timeZone) * 1000;
      if (toKind === 'double') return (x: number) => x / USEC_PER_SEC;
      if (toKind === 'float') return (x: number) => Math.fround(x / USEC_PER_SEC);
      if (isIntegralKind(toKind)) return (x: number) => toIntegral(toKind, Math.floor(x / USEC_PER_SEC), false, mode);
      break;
    case 'timestamp_ntz':
      if (toKind === 'date') return (x: number) => Math.floor(x / USEC_PER_DAY);
      if (toKind === 'timestamp') return (x: number, ctx) => fromLocalMicros(x, ctx.timeZone);
      break;
    case 'array':
      if (to.kind === 'array') {
        const el = from.elementType.kind === 'null' ? () => null : valueCast(from.elementType, to.elementType, mode);
        return (xs: readonly unknown[], ctx) => xs.map((x) => (x === null || x === undefined ? null : el(x, ctx)));
      }
      break;
    case 'struct':
      if (to.kind === 'struct') {
        const fields = from.fields.map((f, i) =>
          f.type.kind === 'null' ? () => null : valueCast(f.type, (to.fields[i] as StructField).type, mode),
        );
        return (xs: readonly unknown[], ctx) => fields.map((f, i) => (xs[i] === null || xs[i] === undefined ? null : f(xs[i], ctx)));
      }
      break;
    case 'map':
      if (to.kind === 'map') {
        const k = valueCast(from.keyType, to.keyType, mode);
        const v = from.valueType.kind === 'null' ? () => null : valueCast(from.valueType, to.valueType, mode);
        return (m: Map<unknown, unknown>, ctx) => {
          const out = new Map<unknown, unknown>();
          for (const [a, b] of m) out.set(k(a, ctx), b === null || b === undefined ? null : v(b, ctx));
          return out;
        };
      }
      break;
    case 'binary':
    case 'null':
      break;
    default:
      return assertNever(from);
  }
  return () => INVALID;
}

/** Casts from a numeric kind (`fractional`: float or double). */
function fromNumber(fractional: boolean, to: DataType, mode: CastMode): ValueCast {
  const toKind = to.kind;
  if (isIntegralKind(toKind)) return (x: number) => toIntegral(toKind, x, fractional, mode);
  if (toKind === 'float') return (x: number) => Math.fround(x);
  if (toKind === 'double') return (x: number) => x;
  if (toKind === 'boolean') return (x: number) => x !== 0;
  if (toKind === 'timestamp') {
    if (!fractional) return (x: number) => (Math.abs(x) <= 9223372036854 ? x * USEC_PER_SEC : OVERFLOW);
    return (x: number) => (Number.isFinite(x) && Math.abs(x) <= 9223372036854 ? Math.trunc(x * USEC_PER_SEC) : mode === 'legacy' ? null : OVERFLOW);
  }
  return () => INVALID;
}

const utf8 = new TextEncoder();

function fromString(to: DataType, mode: CastMode): ValueCast {
  const k = to.kind;
  if (isIntegralKind(k)) {
    const [lo, hi] = integralRange(k);
    return (s: string) => parseIntegral(s, lo, hi, mode === 'legacy') ?? INVALID;
  }
  switch (k) {
    case 'double':
      return (s: string) => parseDouble(s) ?? INVALID;
    case 'float':
      return (s: string) => {
        const d = parseDouble(s);
        return d === undefined ? INVALID : Math.fround(d);
      };
    case 'boolean':
      return (s: string) => parseBoolean(s) ?? INVALID;
    case 'date':
      return (s: string) => parseDate(s) ?? INVALID;
    case 'timestamp':
      return (s: string, ctx) => parseTimestamp(s, ctx.timeZone) ?? INVALID;
    case 'timestamp_ntz':
      return (s: string) => parseTimestamp(s, 'UTC') ?? INVALID;
    case 'binary':
      return (s: string) => utf8.encode(s);
    default:
      return () => INVALID;
  }
}
