import { valueAt, valuesVector, type Vector } from '../../batch/vector.js';
import { AnalysisError, RuntimeDataError } from '../../errors/errors.js';
import type { BoundExpr } from '../../expr/bound-expr.js';
import { T, type ArrayType, type DataType } from '../../types/data-type.js';
import type { LambdaRunner, ScalarFunction } from '../function.js';
import { checkArity, coerceArgs, unexpectedInputType } from '../type-coercion.js';
import { nullableOf } from './operators.js';
import { comparatorFor, hashKey } from './ordering.js';
import { map1, map2 } from './vectorize.js';

/**
 * Array functions, with and without lambdas: `transform`, `filter`, `exists`, `forall` run their
 * lambda once per element (`x -> ...` or `(x, i) -> ...`, i the 0-based position); `array_sort`
 * and `array_distinct` need none.
 */

function arrayArg(name: string, args: readonly (BoundExpr | undefined)[]): ArrayType {
  const a = args[0];
  if (!a || a.type.kind !== 'array') throw unexpectedInputType(name, args.filter((x): x is BoundExpr => x !== undefined), 0, 'array');
  return a.type;
}

function lambdaOf(name: string, args: readonly BoundExpr[], at: number): Extract<BoundExpr, { kind: 'lambda' }> {
  const l = args[at];
  if (!l || l.kind !== 'lambda') {
    throw AnalysisError.withClass('INVALID_LAMBDA_FUNCTION_CALL.NON_HIGHER_ORDER_FUNCTION', { class: name });
  }
  return l;
}

/** Every element of every non-null array, with its row and position, run through the lambda. */
function runOverElements(arrays: Vector, n: number, lambda: LambdaRunner): { results: Vector; starts: number[] } {
  const rowOf: number[] = [];
  const elements: unknown[] = [];
  const positions: number[] = [];
  const starts = new Array<number>(n + 1);
  for (let i = 0; i < n; i++) {
    starts[i] = rowOf.length;
    const xs = valueAt(arrays, i) as unknown[] | null;
    if (!xs) continue;
    xs.forEach((x, k) => {
      rowOf.push(i);
      elements.push(x ?? null);
      positions.push(k);
    });
  }
  starts[n] = rowOf.length;
  const results = rowOf.length === 0 ? valuesVector([]) : lambda(rowOf, [valuesVector(elements), valuesVector(positions)]);
  return { results, starts };
}

function elementParams(name: string) {
  return (args: readonly (BoundExpr | undefined)[], _at: number, arity: number) => {
    const t = arrayArg(name, args);
    if (arity > 2) {
      throw AnalysisError.withClass('INVALID_LAMBDA_FUNCTION_CALL.NUM_ARGS_MISMATCH', { expectedNumArgs: '1', actualNumArgs: String(arity) });
    }
    return [
      { type: t.elementType, nullable: t.containsNull },
      { type: T.integer as DataType, nullable: false },
    ].slice(0, arity);
  };
}

export const transform: ScalarFunction = {
  name: 'transform',
  lambdaParams: elementParams('transform'),
  resolve(args) {
    checkArity('transform', args, [2]);
    arrayArg('transform', args);
    const body = lambdaOf('transform', args, 1).body;
    return { args, type: T.array(body.type, nullableOf(body)), nullable: nullableOf(args[0] as BoundExpr) };
  },
  evaluate() {
    throw new RuntimeDataError('transform needs a lambda function');
  },
  evaluateLambda(args, n) {
    const arrays = args[0] as Vector;
    const { results, starts } = runOverElements(arrays, n, args[1] as LambdaRunner);
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      if (valueAt(arrays, i) === null || valueAt(arrays, i) === undefined) out[i] = null;
      else {
        const row: unknown[] = [];
        for (let k = starts[i] as number; k < (starts[i + 1] as number); k++) row.push(valueAt(results, k) ?? null);
        out[i] = row;
      }
    }
    return valuesVector(out);
  },
};

function predicateFunction(name: string, combine: 'filter' | 'exists' | 'forall'): ScalarFunction {
  return {
    name,
    lambdaParams: elementParams(name),
    resolve(args) {
      checkArity(name, args, [2]);
      const t = arrayArg(name, args);
      const body = lambdaOf(name, args, 1).body;
      if (body.type.kind !== 'boolean' && body.type.kind !== 'null') {
        throw AnalysisError.withClass('DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE', {
          sqlExpr: `"${name}(...)"`,
          paramIndex: 'second',
          requiredType: '"BOOLEAN"',
          inputSql: '"lambdafunction(...)"',
          inputType: `"${body.type.kind.toUpperCase()}"`,
        });
      }
      const type = combine === 'filter' ? t : T.boolean;
      return { args, type, nullable: nullableOf(args[0] as BoundExpr) || (combine !== 'filter' && (t.containsNull || nullableOf(body))) };
    },
    evaluate() {
      throw new RuntimeDataError(`${name} needs a lambda function`);
    },
    evaluateLambda(args, n) {
      const arrays = args[0] as Vector;
      const { results, starts } = runOverElements(arrays, n, args[1] as LambdaRunner);
      const out = new Array<unknown>(n);
      for (let i = 0; i < n; i++) {
        const xs = valueAt(arrays, i) as unknown[] | null | undefined;
        if (xs === null || xs === undefined) {
          out[i] = null;
          continue;
        }
        const from = starts[i] as number;
        if (combine === 'filter') {
          out[i] = xs.filter((_, k) => valueAt(results, from + k) === true).map((x) => x ?? null);
          continue;
        }
        let sawNull = false;
        let decided: boolean | undefined;
        for (let k = 0; k < xs.length && decided === undefined; k++) {
          const r = valueAt(results, from + k);
          if (r === null || r === undefined) sawNull = true;
          else if (combine === 'exists' ? r === true : r === false) decided = combine === 'exists';
        }
        out[i] = decided ?? (sawNull ? null : combine === 'forall');
      }
      return valuesVector(out);
    },
  };
}

export const filter = predicateFunction('filter', 'filter');
export const exists = predicateFunction('exists', 'exists');
export const forall = predicateFunction('forall', 'forall');

/** The comparator Spark fills in for `array_sort(array)`, visible in the column name. */
const DEFAULT_COMPARATOR =
  'lambdafunction((IF(((namedlambdavariable() IS NULL) AND (namedlambdavariable() IS NULL)), 0, (IF((namedlambdavariable() IS NULL), 1, ' +
  '(IF((namedlambdavariable() IS NULL), -1, (IF((namedlambdavariable() < namedlambdavariable()), -1, (IF((namedlambdavariable() > ' +
  'namedlambdavariable()), 1, 0)))))))))), namedlambdavariable(), namedlambdavariable())';

/** `array_sort(array)`: ascending, nulls last. */
export const arraySort: ScalarFunction = {
  prettyName: (a) => `array_sort(${a[0] ?? ''}, ${DEFAULT_COMPARATOR})`,
  name: 'array_sort',
  resolve(args) {
    checkArity('array_sort', args, [1]);
    const t = arrayArg('array_sort', args);
    if (t.elementType.kind === 'map') throw unexpectedInputType('array_sort', args, 0, 'array');
    return { args, type: t, nullable: nullableOf(args[0] as BoundExpr) };
  },
  evaluate(args, n, _ctx, call) {
    const cmp = comparatorFor((call.type as ArrayType).elementType);
    return map1(args[0] as Vector, n, (xs: unknown[]) => {
      const present = xs.filter((x) => x !== null && x !== undefined).sort(cmp);
      return [...present, ...xs.filter((x) => x === null || x === undefined).map(() => null)];
    });
  },
};

export const arrayDistinct: ScalarFunction = {
  name: 'array_distinct',
  resolve(args) {
    checkArity('array_distinct', args, [1]);
    const t = arrayArg('array_distinct', args);
    return { args, type: t, nullable: nullableOf(args[0] as BoundExpr) };
  },
  evaluate(args, n) {
    return map1(args[0] as Vector, n, (xs: unknown[]) => {
      const seen = new Set<unknown>();
      const out: unknown[] = [];
      for (const x of xs) {
        const v = x ?? null;
        const key = typeof v === 'number' && Number.isNaN(v) ? 'NaN' : hashKey(v);
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(v);
      }
      return out;
    });
  },
};

/**
 * `arr[i]` (Spark's GetArrayItem): 0-based; out of bounds is INVALID_ARRAY_INDEX with ANSI on,
 * NULL with it off. Registered under an operator-like name, as the extraction is not a function.
 */
export const arrayItem: ScalarFunction = {
  name: '[]',
  resolve(args, ctx) {
    checkArity('[]', args, [2]);
    const t = arrayArg('[]', args);
    const idx = coerceArgs('[]', args, ['any', T.integer], ctx)[1] as BoundExpr;
    return { args: [args[0] as BoundExpr, idx], type: t.elementType, nullable: true };
  },
  evaluate(args, n, ctx) {
    return map2(args[0] as Vector, args[1] as Vector, n, (xs: unknown[], i: number) => {
      if (i < 0 || i >= xs.length) {
        if (ctx.ansi) {
          throw new RuntimeDataError('', {
            errorClass: 'INVALID_ARRAY_INDEX',
            messageParameters: { indexValue: String(i), arraySize: String(xs.length), ansiConfig: '"spark.sql.ansi.enabled"' },
            sparkClass: 'org.apache.spark.SparkArrayIndexOutOfBoundsException',
          });
        }
        return null;
      }
      return xs[i] ?? null;
    });
  },
  prettyName: (a) => `${a[0] ?? ''}[${a[1] ?? ''}]`,
};

export const HIGHER_ORDER_FUNCTIONS: readonly ScalarFunction[] = [transform, filter, exists, forall, arraySort, arrayDistinct, arrayItem];
