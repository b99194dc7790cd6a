import { assertNever, type DataType } from '../types/data-type.js';
import { formatDate, formatTimestamp } from '../types/time.js';

/** Java's `Double.toString`: `1.0`, `0.001`, `1.0E7`, `1.0E-4`, `NaN`, `Infinity`. */
export function formatDouble(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Infinity) return 'Infinity';
  if (d === -Infinity) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  return javaStyle(d);
}

/** Java's `Float.toString`: the shortest digits that read back as the same float. */
export function formatFloat(f: number): string {
  if (!Number.isFinite(f) || f === 0) return formatDouble(f);
  const x = Math.fround(f);
  for (let p = 1; p <= 9; p++) {
    const n = Number(x.toPrecision(p));
    if (Math.fround(n) === x) return javaStyle(n);
  }
  return javaStyle(x);
}

function javaStyle(d: number): string {
  const abs = Math.abs(d);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(d);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa = '', exponent = ''] = d.toExponential().split('e');
  const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${m}E${exponent.startsWith('+') ? exponent.slice(1) : exponent}`;
}

const utf8 = new TextDecoder('utf-8');

/**
 * A value as `CAST(x AS STRING)` prints it: Java-style numbers, timestamps in the session time
 * zone, structs as `{a, b}`, arrays as `[a, b]`, maps as `{k -> v}`, nested nulls as `null`.
 */
export function valueToString(value: unknown, type: DataType, timeZone: string): string {
  switch (type.kind) {
    case 'string':
      return value as string;
    case 'boolean':
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
      return String(value);
    case 'float':
      return formatFloat(value as number);
    case 'double':
      return formatDouble(value as number);
    case 'date':
      return formatDate(value as number);
    case 'timestamp':
      return formatTimestamp(value as number, timeZone);
    case 'timestamp_ntz':
      return formatTimestamp(value as number, 'UTC');
    case 'binary':
      return utf8.decode(value as Uint8Array);
    case 'null':
      return 'null';
    case 'array': {
      const el = type.elementType;
      return `[${(value as readonly unknown[]).map((v) => nested(v, el, timeZone)).join(', ')}]`;
    }
    case 'struct': {
      const vs = value as readonly unknown[];
      return `{${type.fields.map((f, i) => nested(vs[i], f.type, timeZone)).join(', ')}}`;
    }
    case 'map': {
      const parts: string[] = [];
      for (const [k, v] of value as Map<unknown, unknown>) {
        parts.push(`${nested(k, type.keyType, timeZone)} -> ${nested(v, type.valueType, timeZone)}`);
      }
      return `{${parts.join(', ')}}`;
    }
    default:
      return assertNever(type);
  }
}

function nested(v: unknown, t: DataType, timeZone: string): string {
  return v === null || v === undefined ? 'null' : valueToString(v, t, timeZone);
}
