/**
 * Spark's "pretty string" of a value (`ToPrettyString`, used by `show()` and the console sink):
 * NULL as `NULL` at any depth, structs `{a, b}`, arrays `[a, b]`, maps `{k -> v}`, binary as
 * upper-case hex `[01 02 FF]`, timestamps in the session time zone, floating point as Java prints it.
 */
import { assertNever, type DataType } from '../types/data-type.js';
import { formatDate, formatTimestamp } from '../types/time.js';
import { javaDoubleToString, javaFloatToString } from './java-number.js';

export const NULL_TEXT = 'NULL';

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));

function binaryText(value: unknown): string {
  const bytes = value instanceof Uint8Array ? value : Array.isArray(value) ? (value as number[]) : [];
  const parts = new Array<string>(bytes.length);
  for (let i = 0; i < bytes.length; i++) parts[i] = HEX[(bytes[i] as number) & 0xff] as string;
  return `[${parts.join(' ')}]`;
}

function integralText(value: unknown): string {
  return typeof value === 'bigint' ? value.toString() : String(value);
}

/** Map entries in insertion order; accepts a Map, `[key, value]` pairs or a plain object. */
function mapEntries(value: unknown): readonly (readonly [unknown, unknown])[] {
  if (value instanceof Map) return [...(value as Map<unknown, unknown>).entries()];
  if (Array.isArray(value)) return value as [unknown, unknown][];
  if (value !== null && typeof value === 'object') return Object.entries(value);
  return [];
}

/** Struct fields positionally; a plain object is read by field name. */
function structValues(value: unknown, names: readonly string[]): readonly unknown[] {
  if (Array.isArray(value)) return value;
  if (value !== null && typeof value === 'object') {
    const rec = value as Record<string, unknown>;
    return names.map((n) => rec[n]);
  }
  return [];
}

/** The pretty text of one value of type `type`; `timeZone` is the session zone for timestamps. */
export function cellText(value: unknown, type: DataType, timeZone: string): string {
  if (value === null || value === undefined) return NULL_TEXT;
  switch (type.kind) {
    case 'null':
      return NULL_TEXT;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
      return integralText(value);
    case 'float':
      return javaFloatToString(Number(value));
    case 'double':
      return javaDoubleToString(Number(value));
    case 'string':
      return String(value);
    case 'binary':
      return binaryText(value);
    case 'date':
      return formatDate(Number(value));
    case 'timestamp':
      return formatTimestamp(Number(value), timeZone);
    case 'timestamp_ntz':
      return formatTimestamp(Number(value), 'UTC');
    case 'array': {
      const items = value as readonly unknown[];
      const parts = new Array<string>(items.length);
      for (let i = 0; i < items.length; i++) parts[i] = cellText(items[i], type.elementType, timeZone);
      return `[${parts.join(', ')}]`;
    }
    case 'map': {
      const parts = mapEntries(value).map(
        ([k, v]) => `${cellText(k, type.keyType, timeZone)} -> ${cellText(v, type.valueType, timeZone)}`,
      );
      return `{${parts.join(', ')}}`;
    }
    case 'struct': {
      const values = structValues(
        value,
        type.fields.map((f) => f.name),
      );
      const parts = type.fields.map((f, i) => cellText(values[i], f.type, timeZone));
      return `{${parts.join(', ')}}`;
    }
    default:
      return assertNever(type);
  }
}
