import type { Vector } from '../../batch/vector.js';
import type { BoundCall, BoundExpr } from '../../expr/bound-expr.js';
import { T, isIntegral, isNumeric, type DataType } from '../../types/data-type.js';
import type { EvalContext, ResolveContext, ResolvedScalar, ScalarFunction } from '../function.js';
import {
  NUMERIC_OR_ANSI_INTERVAL,
  NUMERIC_OR_INTERVAL,
  binaryOpDiffTypes,
  binaryOpWrongType,
  castTo,
  checkArity,
  coerceArgs,
  stringPromotion,
  tightestCommonType,
  type TypeSpec,
} from '../type-coercion.js';
import { divideByZero, exactLong, fitResult, remainderByZero } from './numeric.js';
import { map1, map2 } from './vectorize.js';

/**
 * Arithmetic and bitwise operators, by the names Spark Connect sends (`+`, `-`, `*`, `/`, `%`,
 * `div`, `negative`, `positive`, `&`, `|`, `^`, `~`). Integral results are checked for overflow
 * (ANSI: ARITHMETIC_OVERFLOW; legacy: Java wrap-around).
 */

/** Both operands as one type: string promotion first, then the tightest common type (ANSI rules). */
export function binaryOperands(
  fn: string,
  args: readonly BoundExpr[],
  accepts: (t: DataType) => boolean,
  spec: TypeSpec,
  ctx: ResolveContext,
  nullAs: DataType = T.double,
): { args: BoundExpr[]; type: DataType } {
  checkArity(fn, args, [2]);
  const [l, r] = args as [BoundExpr, BoundExpr];
  const common = stringPromotion(l.type, r.type) ?? tightestCommonType(l.type, r.type);
  if (!common) throw binaryOpDiffTypes(fn, args);
  const type = common.kind === 'null' ? nullAs : common;
  if (!accepts(type)) throw binaryOpWrongType(fn, args, spec, type);
  return { args: [castTo(l, type, ctx), castTo(r, type, ctx)], type };
}

type Op = '+' | '-' | '*';

function arithmetic(name: Op, tryFunction: string, spec: TypeSpec): ScalarFunction {
  const apply = name === '+' ? (x: number, y: number) => x + y : name === '-' ? (x: number, y: number) => x - y : (x: number, y: number) => x * y;
  return {
    name,
    resolve(args, ctx): ResolvedScalar {
      const [l, r] = args;
      // date ± days is date_add / date_sub in Spark.
      if (name !== '*' && l?.type.kind === 'date' && r !== undefined && (isIntegral(r.type) || r.type.kind === 'null')) {
        checkArity(name, args, [2]);
        return { args: [l, castTo(r, T.integer, ctx)], type: T.date, nullable: nullableOf(l) || nullableOf(r) };
      }
      const { args: cast, type } = binaryOperands(name, args, isNumeric, spec, ctx);
      return { args: cast, type, nullable: cast.some(nullableOf) };
    },
    evaluate(args, n, ctx, call) {
      const [a, b] = args as [Vector, Vector];
      const type = call.type;
      if (type.kind === 'long') {
        return map2(a, b, n, (x: number, y: number) => {
          const r = apply(x, y);
          return Number.isSafeInteger(r) ? r : exactLong(name, x, y, ctx.ansi, tryFunction);
        });
      }
      if (type.kind === 'double' || type.kind === 'date') return map2(a, b, n, apply);
      return map2(a, b, n, (x: number, y: number) => fitResult(type, apply(x, y), ctx.ansi, tryFunction));
    },
  };
}

export const add = arithmetic('+', 'try_add', NUMERIC_OR_INTERVAL);
export const subtract = arithmetic('-', 'try_subtract', NUMERIC_OR_INTERVAL);
export const multiply = arithmetic('*', 'try_multiply', ['numeric', 'interval']);

/** `/` always divides as double (DECIMAL is not a Kindling type). */
export const divide: ScalarFunction = {
  name: '/',
  resolve(args, ctx) {
    const { args: cast } = binaryOperands('/', args, isNumeric, [T.double, 'decimal'], ctx);
    return { args: cast.map((a) => castTo(a, T.double, ctx)), type: T.double, nullable: true };
  },
  evaluate(args, n, ctx) {
    const [a, b] = args as [Vector, Vector];
    return mapByDivisor(a, b, n, ctx.ansi, divideByZero, (x, y) => x / y);
  },
};

/**
 * map2 for the operators with no value at a zero divisor (`/`, `%`, `div`): under ANSI the zero
 * raises the operator's error, otherwise the result is null.
 */
function mapByDivisor(a: Vector, b: Vector, n: number, ansi: boolean, zero: () => Error, f: (x: number, y: number) => unknown): Vector {
  return map2(a, b, n, (x: number, y: number) => {
    if (y !== 0) return f(x, y);
    if (ansi) throw zero();
    return null;
  });
}

export const remainder: ScalarFunction = {
  name: '%',
  resolve(args, ctx) {
    const { args: cast, type } = binaryOperands('%', args, isNumeric, 'numeric', ctx);
    return { args: cast, type, nullable: true };
  },
  evaluate(args, n, ctx, call) {
    const [a, b] = args as [Vector, Vector];
    const float = call.type.kind === 'float';
    return mapByDivisor(a, b, n, ctx.ansi, remainderByZero, (x, y) => {
      const r = x % y;
      return float ? Math.fround(r) : r;
    });
  },
};

/** `div`: integral division, as bigint. */
export const integralDivide: ScalarFunction = {
  name: 'div',
  resolve(args, ctx) {
    checkArity('div', args, [2]);
    const cast = coerceArgs('div', args, [T.long, T.long], ctx);
    return { args: cast, type: T.long, nullable: true };
  },
  evaluate(args, n, ctx) {
    const [a, b] = args as [Vector, Vector];
    return mapByDivisor(a, b, n, ctx.ansi, divideByZero, (x, y) => {
      const q = Math.trunc(x / y);
      return Number.isSafeInteger(q) ? q : Number(BigInt.asIntN(64, BigInt(x) / BigInt(y)));
    });
  },
};

function unary(name: string, negate: boolean): ScalarFunction {
  return {
    name,
    resolve(args, ctx) {
      checkArity(name, args, [1]);
      const arg = args[0] as BoundExpr;
      const cast = arg.type.kind === 'string' ? castTo(arg, T.double, ctx) : coerceArgs(name, args, [NUMERIC_OR_ANSI_INTERVAL], ctx)[0];
      const c = cast as BoundExpr;
      return { args: [c], type: c.type, nullable: nullableOf(c) };
    },
    evaluate(args, n, ctx, call) {
      const a = args[0] as Vector;
      if (!negate) return a;
      const type = call.type;
      if (type.kind === 'double' || type.kind === 'float') return map1(a, n, (x: number) => -x);
      // 0 - x rather than -x: integral zero has no sign.
      return map1(a, n, (x: number) => fitResult(type, 0 - x, ctx.ansi, 'try_subtract'));
    },
  };
}

export const negative = unary('negative', true);
export const positive = unary('positive', false);

type BitOp = '&' | '|' | '^';

function bitwise(name: BitOp): ScalarFunction {
  return {
    name,
    resolve(args, ctx) {
      const { args: cast, type } = binaryOperands(name, args, isIntegral, 'integral', ctx, T.integer);
      return { args: cast, type, nullable: cast.some(nullableOf) };
    },
    evaluate(args, n, _ctx, call) {
      const [a, b] = args as [Vector, Vector];
      if (call.type.kind === 'long') {
        return map2(a, b, n, (x: number, y: number) => {
          const p = BigInt(x);
          const q = BigInt(y);
          return Number(BigInt.asIntN(64, name === '&' ? p & q : name === '|' ? p | q : p ^ q));
        });
      }
      return map2(a, b, n, (x: number, y: number) => (name === '&' ? x & y : name === '|' ? x | y : x ^ y));
    },
  };
}

export const bitwiseAnd = bitwise('&');
export const bitwiseOr = bitwise('|');
export const bitwiseXor = bitwise('^');

export const bitwiseNot: ScalarFunction = {
  name: '~',
  aliases: ['bitwise_not'],
  resolve(args, ctx) {
    checkArity('~', args, [1]);
    const [c] = coerceArgs('~', args, ['integral'], ctx) as [BoundExpr];
    return { args: [c], type: c.type, nullable: nullableOf(c) };
  },
  evaluate(args, n, _ctx: EvalContext, call: BoundCall) {
    const a = args[0] as Vector;
    if (call.type.kind === 'long') return map1(a, n, (x: number) => Number(BigInt.asIntN(64, ~BigInt(x))));
    return map1(a, n, (x: number) => ~x);
  },
};

export function nullableOf(e: BoundExpr): boolean {
  switch (e.kind) {
    case 'literal':
      return e.value === null;
    case 'cast':
      return e.mode !== 'ansi' || nullableOf(e.expr);
    default:
      return e.nullable;
  }
}

export const OPERATORS: readonly ScalarFunction[] = [
  add,
  subtract,
  multiply,
  divide,
  remainder,
  { ...remainder, name: 'mod' },
  integralDivide,
  negative,
  positive,
  bitwiseAnd,
  bitwiseOr,
  bitwiseXor,
  bitwiseNot,
];
