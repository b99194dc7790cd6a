import { isNumeric, T, type DataType, type StructType } from '../engine/types/data-type.js';
import { PySparkTypeError, PySparkValueError } from './errors.js';
import { Row } from './row.js';
import { Timestamp } from './timestamp.js';

/**
 * Converts between the engine's value representation (timestamps as µs numbers, dates as days,
 * structs as positional arrays) and what users see: Timestamp (a Date that keeps microseconds),
 * Date (UTC midnight), Row.
 */

const DAY_MS = 86_400_000;

/** An engine value of type `t` as a user value. */
export function toUserValue(v: unknown, t: DataType): unknown {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case 'timestamp':
    case 'timestamp_ntz':
      return new Timestamp(Number(v));
    case 'date':
      return new Date(Number(v) * DAY_MS);
    case 'struct':
      return rowOf(t, v as readonly unknown[]);
    case 'array':
      return (v as readonly unknown[]).map((x) => toUserValue(x, t.elementType));
    case 'map':
      return new Map(
        [...(v as ReadonlyMap<unknown, unknown>).entries()].map(([k, x]) => [toUserValue(k, t.keyType), toUserValue(x, t.valueType)]),
      );
    case 'long':
      return typeof v === 'bigint' ? Number(v) : v;
    default:
      return v;
  }
}

/** One positional engine row of `schema` as a Row. */
export function rowOf(schema: StructType, values: readonly unknown[]): Row {
  return new Row(
    schema.fields.map((f) => f.name),
    schema.fields.map((f, i) => toUserValue(values[i], f.type)),
  );
}

/** A user value as an engine value of type `t` (for createDataFrame). */
export function toEngineValue(v: unknown, t: DataType): unknown {
  if (v === null || v === undefined) return null;
  if (isNumeric(t)) return Number(v);
  switch (t.kind) {
    case 'timestamp':
    case 'timestamp_ntz':
      if (v instanceof Timestamp) return v.micros;
      if (v instanceof Date) return v.getTime() * 1000;
      if (typeof v === 'string') return Timestamp.fromISOString(v).micros;
      return Number(v);
    case 'date':
      if (v instanceof Date) return Math.floor(v.getTime() / DAY_MS);
      if (typeof v === 'string') return Math.floor(Date.parse(`${v.slice(0, 10)}T00:00:00Z`) / DAY_MS);
      return Number(v);
    case 'struct':
      return t.fields.map((f, i) => toEngineValue(fieldValue(v, f.name, i), f.type));
    case 'array':
      return (v as readonly unknown[]).map((x) => toEngineValue(x, t.elementType));
    case 'map': {
      const entries = v instanceof Map ? [...v.entries()] : Object.entries(v as object);
      return new Map(entries.map(([k, x]) => [toEngineValue(k, t.keyType), toEngineValue(x, t.valueType)]));
    }
    case 'string':
      return typeof v === 'string' ? v : String(v);
    case 'boolean':
      return Boolean(v);
    default:
      return v;
  }
}

/** A field of a Row, plain object or array, by name or position. */
export function fieldValue(v: unknown, name: string, index: number): unknown {
  if (v instanceof Row) return v.fieldNames().includes(name) ? v.get(name) : v.get(index);
  if (Array.isArray(v)) return v[index];
  if (typeof v === 'object' && v !== null) return (v as Record<string, unknown>)[name];
  throw new PySparkTypeError(`Cannot read field '${name}' of ${typeof v} value ${String(v)}.`, {
    errorClass: 'CANNOT_ACCEPT_OBJECT_IN_TYPE',
    messageParameters: { data_type: 'StructType', obj_name: String(v), obj_type: typeof v },
  });
}

/** The Spark type PySpark would infer for a user value; undefined for null. */
export function inferType(v: unknown): DataType | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'boolean') return T.boolean;
  if (typeof v === 'bigint') return T.long;
  if (typeof v === 'number') return Number.isInteger(v) ? T.long : T.double;
  if (typeof v === 'string') return T.string;
  if (v instanceof Date) return T.timestamp;
  if (v instanceof Uint8Array) return T.binary;
  if (Array.isArray(v)) {
    const element = mergeTypes(v.map(inferType));
    return T.array(element ?? T.string);
  }
  if (v instanceof Map) {
    const entries = [...v.entries()];
    return T.map(mergeTypes(entries.map(([k]) => inferType(k))) ?? T.string, mergeTypes(entries.map(([, x]) => inferType(x))) ?? T.string);
  }
  if (v instanceof Row) {
    const values = v.toArray();
    return T.struct(v.fieldNames().map((n, i) => T.field(n, inferType(values[i]) ?? T.string)));
  }
  if (typeof v === 'object') {
    return T.struct(Object.entries(v).map(([n, x]) => T.field(n, inferType(x) ?? T.string)));
  }
  throw new PySparkTypeError(`Cannot infer a Spark type for ${typeof v} value ${String(v)}.`, {
    errorClass: 'UNSUPPORTED_DATA_TYPE_FOR_ARROW',
    messageParameters: { data_type: typeof v },
  });
}

/** The first known type; integral columns that also hold fractions become double. */
export function mergeTypes(types: readonly (DataType | undefined)[]): DataType | undefined {
  let out: DataType | undefined;
  for (const t of types) {
    if (t === undefined) continue;
    if (out === undefined) out = t;
    else if (out.kind === 'long' && t.kind === 'double') out = t;
  }
  return out;
}

/** A schema inferred from rows, with column names given or taken from the first row. */
export function inferSchema(rows: readonly unknown[], names: readonly string[] | undefined): StructType {
  const first = rows[0];
  const columnNames =
    names ??
    (first instanceof Row
      ? first.fieldNames()
      : Array.isArray(first)
        ? first.map((_, i) => `_${i + 1}`)
        : typeof first === 'object' && first !== null
          ? Object.keys(first)
          : []);
  const fields = columnNames.map((name, i) => {
    const type = mergeTypes(rows.map((r) => inferType(fieldValue(r, name, i))));
    if (type === undefined) {
      throw new PySparkValueError(`[CANNOT_DETERMINE_TYPE] Some of types cannot be determined after inferring (column '${name}').`, {
        errorClass: 'CANNOT_DETERMINE_TYPE',
        messageParameters: {},
      });
    }
    return T.field(name, type, true);
  });
  return T.struct(fields);
}
