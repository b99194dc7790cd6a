import type { DataType, StructField } from '../../types/data-type.js';

/** Compares two non-null values of one type: negative, zero or positive. */
export type Comparator = (a: any, b: any) => number;

/**
 * Spark's ordering for a type: NaN equals NaN and sorts above every other number, -0.0 equals 0.0,
 * strings compare by code point (as UTF-8 bytes do), arrays and structs element by element with
 * nulls first.
 */
export function comparatorFor(type: DataType): Comparator {
  switch (type.kind) {
    case 'float':
    case 'double':
      return compareDoubles;
    case 'string':
      return compareStrings;
    case 'boolean':
      return (a: boolean, b: boolean) => (a === b ? 0 : a ? 1 : -1);
    case 'binary':
      return compareBytes;
    case 'array': {
      const el = comparatorFor(type.elementType);
      return (a: readonly unknown[], b: readonly unknown[]) => {
        const n = Math.min(a.length, b.length);
        for (let i = 0; i < n; i++) {
          const c = nullsFirst(el, a[i], b[i]);
          if (c !== 0) return c;
        }
        return a.length - b.length;
      };
    }
    case 'struct': {
      const fields = type.fields.map((f: StructField) => comparatorFor(f.type));
      return (a: readonly unknown[], b: readonly unknown[]) => {
        for (let i = 0; i < fields.length; i++) {
          const c = nullsFirst(fields[i] as Comparator, a[i], b[i]);
          if (c !== 0) return c;
        }
        return 0;
      };
    }
    default:
      return compareNumbers;
  }
}

export function nullsFirst(cmp: Comparator, a: unknown, b: unknown): number {
  const an = a === null || a === undefined;
  const bn = b === null || b === undefined;
  if (an || bn) return an && bn ? 0 : an ? -1 : 1;
  return cmp(a, b);
}

function compareNumbers(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareDoubles(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  const an = Number.isNaN(a);
  const bn = Number.isNaN(b);
  return an && bn ? 0 : an ? 1 : -1;
}

export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      // Surrogates (code points above U+FFFF) sort after every BMP character, as in UTF-8.
      const sx = x >= 0xd800 && x <= 0xdfff;
      const sy = y >= 0xd800 && y <= 0xdfff;
      if (sx !== sy) return sx ? 1 : -1;
      return x - y;
    }
  }
  return a.length - b.length;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** Equality under Spark's ordering (NaN = NaN, structs and arrays by value). */
export function equalsFor(type: DataType): (a: any, b: any) => boolean {
  switch (type.kind) {
    case 'float':
    case 'double':
      return (a: number, b: number) => a === b || (Number.isNaN(a) && Number.isNaN(b));
    case 'array':
    case 'struct':
    case 'binary': {
      const cmp = comparatorFor(type);
      return (a, b) => cmp(a, b) === 0;
    }
    default:
      return (a, b) => a === b;
  }
}

/** A key usable in a JS Set/Map with Spark's equality: primitives as is, composites as JSON. */
export function hashKey(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Uint8Array) return `b:${Array.from(v).join(',')}`;
  return `j:${JSON.stringify(v, (_k, x: unknown) => (x instanceof Map ? [...x.entries()] : x))}`;
}

/**
 * Spark's ordering without a type at hand (aggregation buffers): numbers with NaN greatest,
 * strings by code point, booleans, byte arrays, and arrays/structs element-wise with nulls first.
 */
export function compareAny(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return compareDoubles(a, b);
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (a instanceof Uint8Array && b instanceof Uint8Array) return comparatorFor({ kind: 'binary' })(a, b);
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const c = nullsFirst(compareAny, a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  return 0;
}
