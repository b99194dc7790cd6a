import { constVector, valuesVector, type Vector } from '../../batch/vector.js';
import { B, type BoundExpr } from '../../expr/bound-expr.js';
import { formatFloat } from '../../expr/cast-format.js';
import { T, isIntegral, type DataType } from '../../types/data-type.js';
import type { ResolveContext, ScalarFunction } from '../function.js';
import { NUMERIC_OR_ANSI_INTERVAL, castTo, checkArity, coerceArgs, coerceToCommon, isFoldable, nonFoldableInput } from '../type-coercion.js';
import { fitResult } from './numeric.js';
import { nullableOf } from './operators.js';
import { comparatorFor } from './ordering.js';
import { renamed } from './strings.js';
import { seededRandom } from '../../util/random.js';
import { neverNullResolve, simpleFunction } from './scalar-helpers.js';
import { map1, map2, mapRows } from './vectorize.js';

/** Math functions. Rounding works on the decimal digits Java prints for a double, as Spark's BigDecimal does. */

/** A double → double function; `domain` marks inputs that give NULL (Spark's logarithms of x <= 0). */
function unaryDouble(name: string, f: (x: number) => number, domain?: (x: number) => boolean): ScalarFunction {
  return {
    name,
    resolve(args, ctx) {
      checkArity(name, args, [1]);
      const cast = coerceArgs(name, args, [T.double], ctx);
      return { args: cast, type: T.double, nullable: domain !== undefined || cast.some(nullableOf) };
    },
    evaluate: (args, n) => map1(args[0] as Vector, n, domain ? (x: number) => (domain(x) ? f(x) : null) : f),
  };
}

const positiveOnly = (x: number): boolean => x > 0;

export const sqrt = unaryDouble('sqrt', Math.sqrt);
export const cbrt = unaryDouble('cbrt', Math.cbrt);
export const exp = unaryDouble('exp', Math.exp);
export const expm1 = unaryDouble('expm1', Math.expm1);
export const ln = unaryDouble('ln', Math.log, positiveOnly);
export const log10 = unaryDouble('log10', Math.log10, positiveOnly);
export const log2 = unaryDouble('log2', Math.log2, positiveOnly);
export const log1p = unaryDouble('log1p', Math.log1p, (x) => x > -1);
export const sin = unaryDouble('sin', Math.sin);
export const cos = unaryDouble('cos', Math.cos);
export const tan = unaryDouble('tan', Math.tan);
export const degrees = unaryDouble('degrees', (x) => (x * 180) / Math.PI);
export const radians = unaryDouble('radians', (x) => (x / 180) * Math.PI);
export const signum = unaryDouble('signum', (x) => (Number.isNaN(x) ? NaN : x > 0 ? 1 : x < 0 ? -1 : x));

/** `log(x)` (natural) or `log(base, x)`. */
export const log: ScalarFunction = {
  name: 'log',
  resolve(args, ctx) {
    checkArity('log', args, [1, 2]);
    const cast = coerceArgs('log', args, [T.double, T.double], ctx);
    return { args: cast, type: T.double, nullable: true };
  },
  evaluate(args, n) {
    if (args.length === 1) return map1(args[0] as Vector, n, (x: number) => (x > 0 ? Math.log(x) : null));
    return map2(args[0] as Vector, args[1] as Vector, n, (b: number, x: number) => (b > 0 && x > 0 ? Math.log(x) / Math.log(b) : null));
  },
};

export const power = simpleFunction('power', [T.double, T.double], [2], T.double, ([x, y]: [number, number]) => Math.pow(x, y));

function numericArg(name: string, args: readonly BoundExpr[], ctx: ResolveContext): BoundExpr {
  const a = args[0] as BoundExpr;
  if (a.type.kind === 'string') return castTo(a, T.double, ctx);
  return coerceArgs(name, [a], [NUMERIC_OR_ANSI_INTERVAL], ctx)[0] as BoundExpr;
}

export const abs: ScalarFunction = {
  name: 'abs',
  resolve(args, ctx) {
    checkArity('abs', args, [1]);
    const a = numericArg('abs', args, ctx);
    return { args: [a], type: a.type, nullable: nullableOf(a) };
  },
  evaluate: (args, n, ctx, call) => map1(args[0] as Vector, n, (x: number) => fitResult(call.type, Math.abs(x), ctx.ansi, 'try_abs')),
};

/** Java's `(long) d`: NaN is 0, out-of-range values saturate. */
export function doubleToLong(d: number): number {
  if (Number.isNaN(d)) return 0;
  if (d >= 9223372036854775807) return 9223372036854775807;
  if (d <= -9223372036854775808) return -9223372036854775808;
  return Math.trunc(d);
}

function ceilFloor(name: 'ceil' | 'floor', f: (x: number) => number): ScalarFunction {
  return {
    name,
    resolve(args, ctx) {
      checkArity(name, args, [1]);
      const a = args[0] as BoundExpr;
      const cast = isIntegral(a.type) ? castTo(a, T.long, ctx) : (coerceArgs(name, args, [[T.double, 'decimal', T.long]], ctx)[0] as BoundExpr);
      return { args: [cast], type: T.long, nullable: nullableOf(cast) };
    },
    evaluate: (args, n, _ctx, call) =>
      (call.args[0] as BoundExpr).type.kind === 'long' ? (args[0] as Vector) : map1(args[0] as Vector, n, (x: number) => doubleToLong(f(x))),
  };
}

export const ceil = ceilFloor('ceil', Math.ceil);
export const floor = ceilFloor('floor', Math.floor);

/** Rounds the decimal expansion of `x` to `scale` digits: HALF_UP (away from zero on ties) or HALF_EVEN. */
export function roundDecimal(x: number, scale: number, halfEven: boolean, digitsOf: (x: number) => string = String): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(digitsOf(x));
  if (!m) return x;
  const [, sign = '', int = '', frac = '', e = '0'] = m;
  const fracLen = frac.length - Number(e);
  if (fracLen <= scale) return x;
  const digits = BigInt(int + frac);
  const divisor = 10n ** BigInt(fracLen - scale);
  let q = digits / divisor;
  const r = digits % divisor;
  const half = divisor / 2n;
  if (r > half || (r === half && (!halfEven || q % 2n === 1n))) q += 1n;
  return Number(`${sign}${q.toString()}e${-scale}`);
}

function roundFunction(name: 'round' | 'bround', halfEven: boolean): ScalarFunction {
  return {
    name,
    resolve(args, ctx) {
      checkArity(name, args, [1, 2]);
      const full = args.length === 1 ? [args[0] as BoundExpr, B.lit(0, T.integer)] : args;
      const x = numericArg(name, full, ctx);
      const scale = coerceArgs(name, full, ['any', T.integer], ctx)[1] as BoundExpr;
      if (!isFoldable(scale)) throw nonFoldableInput(name, full, 'scale', 1, T.integer);
      return { args: [x, scale], type: x.type, nullable: nullableOf(x) };
    },
    evaluate(args, n, ctx, call) {
      const type: DataType = call.type;
      const digits = type.kind === 'float' ? formatFloat : String;
      return map2(args[0] as Vector, args[1] as Vector, n, (x: number, scale: number) => {
        const r = roundDecimal(x, scale, halfEven, digits);
        return type.kind === 'double' ? r : fitResult(type, r, ctx.ansi, name);
      });
    },
  };
}

export const round = roundFunction('round', false);
export const bround = roundFunction('bround', true);

function extremum(name: 'greatest' | 'least'): ScalarFunction {
  const wantGreater = name === 'greatest';
  return {
    name,
    resolve(args, ctx) {
      checkArity(name, args, { min: 2 });
      const { args: cast, type } = coerceToCommon(name, args, ctx);
      return { args: cast, type, nullable: cast.every(nullableOf) };
    },
    evaluate(args, n, _ctx, call) {
      const cmp = comparatorFor(call.type);
      return mapRows(args, n, (xs) => {
        let best: unknown = null;
        for (const x of xs) {
          if (x === null || x === undefined) continue;
          if (best === null || (wantGreater ? cmp(x, best) > 0 : cmp(x, best) < 0)) best = x;
        }
        return best;
      });
    },
  };
}

export const greatest = extremum('greatest');
export const least = extremum('least');

export const rand: ScalarFunction = {
  name: 'rand',
  deterministic: false,
  resolve(args, ctx) {
    checkArity('rand', args, [0, 1]);
    const seed = args.length === 0 ? B.lit(Math.floor(Math.random() * 2 ** 53) - 2 ** 52, T.long) : (args[0] as BoundExpr);
    const cast = coerceArgs('rand', [seed], [[T.long, T.integer]], ctx);
    return { args: cast, type: T.double, nullable: false };
  },
  evaluate(args, n, ctx) {
    const s = args[0]?.kind === 'const' ? Number(args[0].value ?? 0) : 0;
    const next = seededRandom((s ^ Math.floor(ctx.batchTimestampUs / 1000)) | 0);
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = next();
    return valuesVector(out);
  },
};

function constant(name: string, value: number): ScalarFunction {
  return {
    name,
    resolve: neverNullResolve(name, [0], T.double),
    evaluate: () => constVector(value),
  };
}

export const MATH_FUNCTIONS: readonly ScalarFunction[] = [
  sqrt,
  cbrt,
  exp,
  expm1,
  ln,
  log10,
  log2,
  log1p,
  sin,
  cos,
  tan,
  degrees,
  radians,
  signum,
  renamed(signum, 'sign'),
  log,
  power,
  renamed(power, 'pow'),
  abs,
  ceil,
  renamed(ceil, 'ceiling'),
  floor,
  round,
  bround,
  greatest,
  least,
  rand,
  renamed(rand, 'random'),
  constant('pi', Math.PI),
  constant('e', Math.E),
];
