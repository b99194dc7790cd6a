import { AnalysisError, RuntimeDataError } from '../../errors/errors.js';
import type { Vector } from '../../batch/vector.js';
import { B, type BoundExpr } from '../../expr/bound-expr.js';
import { T, type DataType, type StructField } from '../../types/data-type.js';
import type { ScalarFunction } from '../function.js';
import {
  callSql,
  castTo,
  checkArity,
  coerceArgs,
  coerceToCommon,
  exprSql,
  isFoldable,
  ordinal,
  specSql,
  typeSql,
  unexpectedInputType,
} from '../type-coercion.js';
import { nullableOf } from './operators.js';
import { comparatorFor, equalsFor, nullsFirst } from './ordering.js';
import { map1, map2, mapN, mapRows } from './vectorize.js';

/** Arrays, maps and structs. Structs are positional arrays; maps are JS Maps. */

export const size: ScalarFunction = {
  name: 'size',
  aliases: ['cardinality', 'array_size'],
  resolve(args) {
    checkArity('size', args, [1]);
    const a = args[0] as BoundExpr;
    if (a.type.kind !== 'array' && a.type.kind !== 'map' && a.type.kind !== 'null') throw unexpectedInputType('size', args, 0, ['array', T.map(T.null, T.null)]);
    return { args, type: T.integer, nullable: nullableOf(a) };
  },
  evaluate: (args, n) => map1(args[0] as Vector, n, (x: unknown[] | Map<unknown, unknown>) => (x instanceof Map ? x.size : x.length)),
};

export const array: ScalarFunction = {
  name: 'array',
  resolve(args, ctx) {
    if (args.length === 0) return { args, type: T.array(T.null, false), nullable: false };
    const { args: cast, type } = coerceToCommon('array', args, ctx);
    return { args: cast, type: T.array(type, cast.some(nullableOf)), nullable: false };
  },
  evaluate: (args, n) => mapRows(args, n, (xs) => xs.map((x) => x ?? null)),
};

export const arrayContains: ScalarFunction = {
  name: 'array_contains',
  resolve(args, ctx) {
    checkArity('array_contains', args, [2]);
    const [arr, v] = args as [BoundExpr, BoundExpr];
    if (arr.type.kind !== 'array') throw unexpectedInputType('array_contains', args, 0, 'array');
    const el = arr.type.elementType;
    const cast = el.kind === 'null' ? v : castTo(v, el, ctx);
    return { args: [arr, cast], type: T.boolean, nullable: true };
  },
  evaluate(args, n, _ctx, call) {
    const t = (call.args[0] as BoundExpr).type;
    const eq = equalsFor(t.kind === 'array' ? t.elementType : T.null);
    return map2(args[0] as Vector, args[1] as Vector, n, (xs: unknown[], v: unknown) => {
      let sawNull = false;
      for (const x of xs) {
        if (x === null || x === undefined) sawNull = true;
        else if (eq(x, v)) return true;
      }
      return sawNull ? null : false;
    });
  },
};

function indexError(index: number, length: number): RuntimeDataError {
  return new RuntimeDataError('', {
    errorClass: 'INVALID_ARRAY_INDEX_IN_ELEMENT_AT',
    messageParameters: { indexValue: String(index), arraySize: String(length) },
    sparkClass: 'org.apache.spark.SparkArrayIndexOutOfBoundsException',
  });
}

/** `element_at(array, i)` (1-based, negative from the end) or `element_at(map, key)`. */
export const elementAt: ScalarFunction = {
  name: 'element_at',
  resolve(args, ctx) {
    checkArity('element_at', args, [2]);
    const [c, k] = args as [BoundExpr, BoundExpr];
    if (c.type.kind === 'array') {
      const idx = coerceArgs('element_at', args, ['any', T.integer], ctx)[1] as BoundExpr;
      return { args: [c, idx], type: c.type.elementType, nullable: true };
    }
    if (c.type.kind === 'map') return { args: [c, castTo(k, c.type.keyType, ctx)], type: c.type.valueType, nullable: true };
    throw unexpectedInputType('element_at', args, 0, ['array', T.map(T.null, T.null)]);
  },
  evaluate(args, n, ctx) {
    return map2(args[0] as Vector, args[1] as Vector, n, (c: unknown[] | Map<unknown, unknown>, k: unknown) => {
      if (c instanceof Map) return c.get(k) ?? null;
      const i = k as number;
      if (i === 0) {
        throw new RuntimeDataError('', { errorClass: 'INVALID_INDEX_OF_ZERO', sparkClass: 'org.apache.spark.SparkRuntimeException' });
      }
      const at = i > 0 ? i - 1 : c.length + i;
      if (at < 0 || at >= c.length) {
        if (ctx.ansi) throw indexError(i, c.length);
        return null;
      }
      return c[at] ?? null;
    });
  },
};

/** `get(array, i)`: 0-based, NULL when out of bounds (the `arr[i]` extraction). */
export const getItem: ScalarFunction = {
  name: 'get',
  resolve(args, ctx) {
    checkArity('get', args, [2]);
    const [c, k] = args as [BoundExpr, BoundExpr];
    if (c.type.kind === 'map') return { args: [c, castTo(k, c.type.keyType, ctx)], type: c.type.valueType, nullable: true };
    if (c.type.kind !== 'array') throw unexpectedInputType('get', args, 0, 'array');
    const idx = coerceArgs('get', args, ['any', T.integer], ctx)[1] as BoundExpr;
    return { args: [c, idx], type: c.type.elementType, nullable: true };
  },
  evaluate: (args, n) =>
    map2(args[0] as Vector, args[1] as Vector, n, (c: unknown[] | Map<unknown, unknown>, k: unknown) =>
      c instanceof Map ? (c.get(k) ?? null) : ((c[k as number] as unknown) ?? null),
    ),
};

/** `struct(a, b)`: fields named after column references, else `col1`, `col2`, ... */
export const struct: ScalarFunction = {
  name: 'struct',
  resolve(args) {
    const fields = args.map((a, i) =>
      T.field(a.kind === 'ref' ? a.name : a.kind === 'getField' ? a.name : `col${i + 1}`, a.type, nullableOf(a)),
    );
    return { args, type: T.struct(fields), nullable: false };
  },
  evaluate: (args, n) => mapRows(args, n, (xs) => xs.map((x) => x ?? null)),
};

/** `named_struct(name1, v1, name2, v2, ...)`: the names must be string literals. */
export const namedStruct: ScalarFunction = {
  name: 'named_struct',
  resolve(args) {
    if (args.length % 2 !== 0 || args.length === 0) {
      throw AnalysisError.withClass('WRONG_NUM_ARGS.WITHOUT_SUGGESTION', {
        functionName: '`named_struct`',
        expectedNum: '2n (n > 0)',
        actualNum: String(args.length),
        docroot: 'https://spark.apache.org/docs/latest',
      });
    }
    const names = args.filter((_, i) => i % 2 === 0);
    const bad = names.filter((a) => a.kind !== 'literal' || a.type.kind !== 'string' || a.value === null);
    if (bad.length > 0) {
      throw AnalysisError.withClass('DATATYPE_MISMATCH.CREATE_NAMED_STRUCT_WITHOUT_FOLDABLE_STRING', {
        sqlExpr: callSql('named_struct', args),
        inputExprs: `[${bad.map(exprSql).join(', ')}]`,
      });
    }
    const fields: StructField[] = [];
    for (let i = 0; i < args.length; i += 2) {
      const v = args[i + 1] as BoundExpr;
      fields.push(T.field(String((args[i] as { value: unknown }).value), v.type, nullableOf(v)));
    }
    return { args, type: T.struct(fields), nullable: false };
  },
  evaluate(args, n) {
    const values = args.filter((_, i) => i % 2 === 1);
    return mapRows(values, n, (xs) => xs.map((x) => x ?? null));
  },
};

/** `map(k1, v1, k2, v2, ...)`. */
export const map: ScalarFunction = {
  name: 'map',
  resolve(args, ctx) {
    if (args.length % 2 !== 0) throw AnalysisError.withClass('WRONG_NUM_ARGS.WITHOUT_SUGGESTION', {
      functionName: '`map`',
      expectedNum: '2n (n > 0)',
      actualNum: String(args.length),
      docroot: 'https://spark.apache.org/docs/latest',
    });
    const keys = coerceToCommon('map', args.filter((_, i) => i % 2 === 0), ctx);
    const values = coerceToCommon('map', args.filter((_, i) => i % 2 === 1), ctx);
    const out: BoundExpr[] = [];
    keys.args.forEach((k, i) => out.push(k, values.args[i] as BoundExpr));
    return { args: out, type: T.map(keys.type, values.type, values.args.some(nullableOf)), nullable: false };
  },
  evaluate: (args, n) =>
    mapRows(args, n, (xs) => {
      const m = new Map<unknown, unknown>();
      for (let i = 0; i < xs.length; i += 2) m.set(xs[i], xs[i + 1] ?? null);
      return m;
    }),
};

/** `array_join(array, delimiter[, nullReplacement])`. */
export const arrayJoin: ScalarFunction = {
  name: 'array_join',
  resolve(args, ctx) {
    checkArity('array_join', args, [2, 3]);
    const cast = coerceArgs('array_join', args, [T.array(T.string), T.string, T.string], ctx);
    return { args: cast, type: T.string, nullable: cast.slice(0, 2).some(nullableOf) };
  },
  evaluate(args, n) {
    if (args.length === 2) {
      return map2(args[0] as Vector, args[1] as Vector, n, (xs: (string | null)[], d: string) => xs.filter((x) => x !== null && x !== undefined).join(d));
    }
    return mapN(args, n, ([xs, d, r]: [(string | null)[], string, string]) => xs.map((x) => x ?? r).join(d));
  },
};

/** `sort_array(array, asc = true)`: nulls first ascending, last descending. */
export const sortArray: ScalarFunction = {
  name: 'sort_array',
  resolve(args, ctx) {
    checkArity('sort_array', args, [1, 2]);
    const full = args.length === 1 ? [args[0] as BoundExpr, B.lit(true, T.boolean)] : args;
    const [arr] = full as [BoundExpr];
    if (arr.type.kind !== 'array' || arr.type.elementType.kind === 'map') throw unexpectedInputType('sort_array', full, 0, 'array');
    const asc = coerceArgs('sort_array', full, ['any', T.boolean], ctx)[1] as BoundExpr;
    if (!isFoldable(asc)) {
      throw AnalysisError.withClass('DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE', {
        sqlExpr: callSql('sort_array', full),
        paramIndex: ordinal(1),
        requiredType: specSql(T.boolean),
        inputSql: exprSql(asc),
        inputType: typeSql(asc.type),
      });
    }
    return { args: [arr, asc], type: arr.type, nullable: nullableOf(arr) };
  },
  evaluate(args, n, _ctx, call) {
    const t = call.type as Extract<DataType, { kind: 'array' }>;
    const cmp = comparatorFor(t.elementType);
    return map2(args[0] as Vector, args[1] as Vector, n, (xs: unknown[], asc: boolean) => {
      const sorted = xs.slice().sort((a, b) => nullsFirst(cmp, a, b));
      return asc ? sorted : sorted.reverse();
    });
  },
};

export const COLLECTION_FUNCTIONS: readonly ScalarFunction[] = [
  size,
  array,
  arrayContains,
  elementAt,
  getItem,
  struct,
  namedStruct,
  map,
  arrayJoin,
  sortArray,
];

