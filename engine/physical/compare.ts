import type { DataType } from '../types/data-type.js';

/** Spark's ordering of values of one type; NULLs first or last as asked. */
export function compareValues(a: unknown, b: unknown, type: DataType, nullsFirst: boolean): number {
  const an = a === null || a === undefined;
  const bn = b === null || b === undefined;
  if (an || bn) {
    if (an && bn) return 0;
    return an === nullsFirst ? -1 : 1;
  }
  switch (type.kind) {
    case 'struct': {
      const x = a as readonly unknown[];
      const y = b as readonly unknown[];
      for (let i = 0; i < type.fields.length; i++) {
        const f = type.fields[i];
        if (!f) continue;
        const c = compareValues(x[i], y[i], f.type, true);
        if (c !== 0) return c;
      }
      return 0;
    }
    case 'array': {
      const x = a as readonly unknown[];
      const y = b as readonly unknown[];
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const c = compareValues(x[i], y[i], type.elementType, true);
        if (c !== 0) return c;
      }
      return x.length - y.length;
    }
    case 'boolean':
      return a === b ? 0 : a ? 1 : -1;
    case 'binary': {
      const x = a as Uint8Array;
      const y = b as Uint8Array;
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const c = (x[i] as number) - (y[i] as number);
        if (c !== 0) return c;
      }
      return x.length - y.length;
    }
    case 'double':
    case 'float': {
      const x = a as number;
      const y = b as number;
      // Spark orders NaN above every other value.
      if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'string': {
      // Spark compares UTF-8 bytes; for BMP text code-point order matches that.
      const x = a as string;
      const y = b as string;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    default: {
      const x = a as number;
      const y = b as number;
      return x < y ? -1 : x > y ? 1 : 0;
    }
  }
}
