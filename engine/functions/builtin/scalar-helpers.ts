import type { Vector } from '../../batch/vector.js';
import type { BoundExpr } from '../../expr/bound-expr.js';
import type { DataType } from '../../types/data-type.js';
import type { EvalContext, ResolveContext, ResolvedScalar, ScalarFunction } from '../function.js';
import { checkArity, coerceArgs, type TypeSpec } from '../type-coercion.js';
import { nullableOf } from './operators.js';
import { map1, map2, mapN } from './vectorize.js';

export interface SimpleOptions {
  /** Trailing arguments filled in when omitted (Spark's defaults, visible in column names). */
  readonly defaults?: readonly BoundExpr[];
  /** The result may be NULL for non-null inputs (invalid units, out-of-range values). */
  readonly mayReturnNull?: boolean;
  readonly prettyName?: (argNames: readonly string[]) => string;
  readonly aliases?: readonly string[];
}

/**
 * A null-intolerant function of fixed arities: arguments cast to `specs` (the last spec repeats),
 * `compute` sees the row's non-null values and the evaluation context.
 */
export function simpleFunction(
  name: string,
  specs: readonly TypeSpec[],
  arities: readonly number[],
  type: DataType,
  compute: (xs: any, ctx: EvalContext) => unknown,
  options: SimpleOptions = {},
): ScalarFunction {
  const max = Math.max(...arities);
  const defaults = options.defaults ?? [];
  return {
    name,
    resolve(args, ctx: ResolveContext) {
      checkArity(name, args, arities);
      const full = args.length < max && defaults.length > 0 ? [...args, ...defaults.slice(args.length - (max - defaults.length))] : args;
      const cast = coerceArgs(name, full, specs, ctx);
      return { args: cast, type, nullable: options.mayReturnNull === true || cast.some(nullableOf) };
    },
    evaluate(args, n, ctx) {
      if (args.length === 1) return map1(args[0] as Vector, n, (x) => compute([x], ctx));
      if (args.length === 2) return map2(args[0] as Vector, args[1] as Vector, n, (x, y) => compute([x, y], ctx));
      return mapN(args, n, (xs) => compute(xs, ctx));
    },
    ...(options.prettyName ? { prettyName: options.prettyName } : {}),
    ...(options.aliases ? { aliases: options.aliases } : {}),
  };
}

/**
 * The resolve step of a function that takes its arguments as they are and is never null
 * (hash, typeof, isnull, constants, monotonically_increasing_id): only the argument count is checked.
 */
export function neverNullResolve(
  name: string,
  arities: readonly number[] | { readonly min: number },
  type: DataType,
): (args: readonly BoundExpr[]) => ResolvedScalar {
  return (args) => {
    checkArity(name, args, arities);
    return { args, type, nullable: false };
  };
}
