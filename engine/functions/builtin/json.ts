import type { Vector } from '../../batch/vector.js';
import { AnalysisError } from '../../errors/errors.js';
import type { BoundExpr } from '../../expr/bound-expr.js';
import { formatDouble, formatFloat } from '../../expr/cast-format.js';
import { parseDataType, parseSchema } from '../../sql/data-type-parser.js';
import { T, assertNever, type DataType } from '../../types/data-type.js';
import { formatDate, localFields, parseDate, parseTimestamp } from '../../types/time.js';
import { parseDataTypeJson } from '../../types/type-json.js';
import type { ScalarFunction } from '../function.js';
import { checkArity, isFoldable, unexpectedInputType } from '../type-coercion.js';
import { nullableOf } from './operators.js';
import { map1 } from './vectorize.js';

/**
 * `to_json` and `from_json` with Spark's defaults: null fields left out, timestamps as
 * `yyyy-MM-dd'T'HH:mm:ss.SSSXXX` in the session time zone, dates as `yyyy-MM-dd`; parsing is
 * PERMISSIVE (a malformed document gives a struct of NULLs, a mistyped field NULL).
 */

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function jsonTimestamp(us: number, timeZone: string): string {
  const f = localFields(us, timeZone);
  const offsetMin = Math.round((Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second) - Math.floor(us / 1e6) * 1000) / 60000);
  const zone = offsetMin === 0 ? 'Z' : `${offsetMin < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offsetMin) / 60))}:${pad(Math.abs(offsetMin) % 60)}`;
  return `${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)}T${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)}.${pad(Math.floor(f.micros / 1000), 3)}${zone}`;
}

function toJsonText(v: unknown, t: DataType, tz: string): string {
  if (v === null || v === undefined) return 'null';
  switch (t.kind) {
    case 'null':
      return 'null';
    case 'boolean':
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
      return String(v);
    case 'float':
      return Number.isFinite(v) ? formatFloat(v as number) : JSON.stringify(formatFloat(v as number));
    case 'double':
      return Number.isFinite(v) ? formatDouble(v as number) : JSON.stringify(formatDouble(v as number));
    case 'string':
      return JSON.stringify(v);
    case 'binary':
      return JSON.stringify(Buffer.from(v as Uint8Array).toString('base64'));
    case 'date':
      return JSON.stringify(formatDate(v as number));
    case 'timestamp':
      return JSON.stringify(jsonTimestamp(v as number, tz));
    case 'timestamp_ntz':
      return JSON.stringify(jsonTimestamp(v as number, 'UTC').replace(/Z$/, ''));
    case 'array':
      return `[${(v as unknown[]).map((x) => toJsonText(x, t.elementType, tz)).join(',')}]`;
    case 'struct': {
      const vs = v as unknown[];
      const parts: string[] = [];
      t.fields.forEach((f, i) => {
        const x = vs[i];
        if (x !== null && x !== undefined) parts.push(`${JSON.stringify(f.name)}:${toJsonText(x, f.type, tz)}`);
      });
      return `{${parts.join(',')}}`;
    }
    case 'map': {
      const parts: string[] = [];
      for (const [k, x] of v as Map<unknown, unknown>) {
        const key = t.keyType.kind === 'string' ? (k as string) : toJsonText(k, t.keyType, tz).replace(/^"|"$/g, '');
        parts.push(`${JSON.stringify(key)}:${toJsonText(x, t.valueType, tz)}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      return assertNever(t);
  }
}

/** The types to_json writes and from_json reads as a whole document: an object or an array. */
function isJsonDocument(type: DataType): boolean {
  return type.kind === 'struct' || type.kind === 'array' || type.kind === 'map';
}

export const toJson: ScalarFunction = {
  name: 'to_json',
  resolve(args) {
    checkArity('to_json', args, [1, 2]);
    const a = args[0] as BoundExpr;
    if (!isJsonDocument(a.type)) {
      throw unexpectedInputType('to_json', args, 0, ['array', T.struct([])]);
    }
    return { args: [a], type: T.string, nullable: nullableOf(a) };
  },
  evaluate(args, n, ctx, call) {
    const t = (call.args[0] as BoundExpr).type;
    return map1(args[0] as Vector, n, (v) => toJsonText(v, t, ctx.timeZone));
  },
};

class Mismatch extends Error {}

/** A parsed JSON value as a value of `t`; a value of the wrong shape raises Mismatch. */
function fromJsonValue(v: unknown, t: DataType, tz: string): unknown {
  if (v === null) return null;
  switch (t.kind) {
    case 'null':
      return null;
    case 'boolean':
      if (typeof v !== 'boolean') throw new Mismatch();
      return v;
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
      if (typeof v !== 'number' || !Number.isInteger(v)) throw new Mismatch();
      return v;
    case 'float':
    case 'double':
      if (typeof v === 'number') return t.kind === 'float' ? Math.fround(v) : v;
      if (v === 'NaN') return Number.NaN;
      if (v === 'Infinity' || v === '+Infinity') return Infinity;
      if (v === '-Infinity') return -Infinity;
      throw new Mismatch();
    case 'string':
      return typeof v === 'string' ? v : JSON.stringify(v);
    case 'binary':
      if (typeof v !== 'string') throw new Mismatch();
      return new Uint8Array(Buffer.from(v, 'base64'));
    case 'date': {
      if (typeof v !== 'string') throw new Mismatch();
      const d = parseDate(v);
      if (d === null) throw new Mismatch();
      return d;
    }
    case 'timestamp':
    case 'timestamp_ntz': {
      if (typeof v !== 'string') throw new Mismatch();
      const us = parseTimestamp(v, t.kind === 'timestamp' ? tz : 'UTC');
      if (us === null) throw new Mismatch();
      return us;
    }
    case 'array':
      if (!Array.isArray(v)) throw new Mismatch();
      return v.map((x) => fromJsonValue(x, t.elementType, tz));
    case 'struct': {
      if (typeof v !== 'object' || Array.isArray(v)) throw new Mismatch();
      const o = v as Record<string, unknown>;
      return t.fields.map((f) => {
        if (!Object.prototype.hasOwnProperty.call(o, f.name)) return null;
        try {
          return fromJsonValue(o[f.name], f.type, tz);
        } catch (e) {
          if (e instanceof Mismatch) return null;
          throw e;
        }
      });
    }
    case 'map': {
      if (typeof v !== 'object' || Array.isArray(v)) throw new Mismatch();
      const out = new Map<unknown, unknown>();
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) out.set(fromJsonValue(k, t.keyType, tz), fromJsonValue(x, t.valueType, tz));
      return out;
    }
    default:
      return assertNever(t);
  }
}

/** The schema argument: DDL (`a INT, b STRING`) or a type's JSON (what PySpark sends for a StructType). */
function schemaOf(e: BoundExpr | undefined): DataType {
  if (!e || !isFoldable(e) || e.kind !== 'literal' || typeof e.value !== 'string') {
    throw AnalysisError.withClass('INVALID_SCHEMA.NON_STRING_LITERAL', { inputSchema: `"${e?.kind === 'literal' ? String(e.value) : '...'}"` });
  }
  const text = e.value.trim();
  if (text.startsWith('{')) return parseDataTypeJson(text);
  try {
    return parseDataType(text);
  } catch {
    return parseSchema(text);
  }
}

export const fromJson: ScalarFunction = {
  name: 'from_json',
  resolve(args) {
    checkArity('from_json', args, [2, 3]);
    const a = args[0] as BoundExpr;
    if (a.type.kind !== 'string') throw unexpectedInputType('from_json', args, 0, T.string);
    const type = schemaOf(args[1]);
    if (!isJsonDocument(type)) {
      throw AnalysisError.withClass('DATATYPE_MISMATCH.INVALID_JSON_SCHEMA', { sqlExpr: '"from_json(...)"', schema: `"${type.kind.toUpperCase()}"` });
    }
    return { args: [a, args[1] as BoundExpr], type, nullable: true };
  },
  evaluate(args, n, ctx, call) {
    const t = call.type;
    return map1(args[0] as Vector, n, (s: string) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(s);
      } catch {
        return t.kind === 'struct' ? t.fields.map(() => null) : null;
      }
      try {
        return fromJsonValue(parsed, t, ctx.timeZone);
      } catch (e) {
        if (!(e instanceof Mismatch)) throw e;
        return t.kind === 'struct' ? t.fields.map(() => null) : null;
      }
    });
  },
  prettyName: (a) => `from_json(${a[0] ?? ''})`,
};

export const JSON_FUNCTIONS: readonly ScalarFunction[] = [toJson, fromJson];
