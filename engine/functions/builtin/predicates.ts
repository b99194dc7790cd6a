import { constVector, valuesVector, type Vector } from '../../batch/vector.js';
import type { BoundExpr } from '../../expr/bound-expr.js';
import { T, type DataType } from '../../types/data-type.js';
import type { LazyArg, ResolveContext, ScalarFunction } from '../function.js';
import { castTo, checkArity, coerceArgs, dataDiffTypes, widerCommonType } from '../type-coercion.js';
import { binaryOperands, nullableOf } from './operators.js';
import { comparatorFor, equalsFor, hashKey } from './ordering.js';
import { neverNullResolve, simpleFunction } from './scalar-helpers.js';
import { get, lazyOf, map1, map2 } from './vectorize.js';

/**
 * Comparisons and boolean logic with SQL's three-valued semantics. `and`/`or` evaluate their right
 * side only on rows the left side did not decide (as Spark does), so `x != 0 AND 1 / x > 0` never
 * divides by zero.
 */

function orderable(t: DataType): boolean {
  return t.kind !== 'map';
}

type CompareOp = '==' | '<' | '<=' | '>' | '>=';

function comparison(name: CompareOp): ScalarFunction {
  return {
    name,
    resolve(args, ctx) {
      const { args: cast } = binaryOperands(name, args, orderable, 'any', ctx);
      return { args: cast, type: T.boolean, nullable: cast.some(nullableOf) };
    },
    evaluate(args, n, _ctx, call) {
      const [a, b] = args as [Vector, Vector];
      const type = (call.args[0] as BoundExpr).type;
      if (name === '==') return map2(a, b, n, equalsFor(type));
      const cmp = comparatorFor(type);
      switch (name) {
        case '<':
          return map2(a, b, n, (x, y) => cmp(x, y) < 0);
        case '<=':
          return map2(a, b, n, (x, y) => cmp(x, y) <= 0);
        case '>':
          return map2(a, b, n, (x, y) => cmp(x, y) > 0);
        case '>=':
          return map2(a, b, n, (x, y) => cmp(x, y) >= 0);
      }
    },
  };
}

export const equalTo: ScalarFunction = { ...comparison('=='), aliases: ['='] };
export const lessThan = comparison('<');
export const lessThanOrEqual = comparison('<=');
export const greaterThan = comparison('>');
export const greaterThanOrEqual = comparison('>=');

export const notEqual: ScalarFunction = {
  name: '!=',
  aliases: ['<>'],
  resolve: (args, ctx) => equalTo.resolve(args, ctx),
  evaluate(args, n, _ctx, call) {
    const [a, b] = args as [Vector, Vector];
    const eq = equalsFor((call.args[0] as BoundExpr).type);
    return map2(a, b, n, (x, y) => !eq(x, y));
  },
};

export const equalNullSafe: ScalarFunction = {
  name: '<=>',
  resolve(args, ctx) {
    const { args: cast } = binaryOperands('<=>', args, orderable, 'any', ctx);
    return { args: cast, type: T.boolean, nullable: false };
  },
  evaluate(args, n, _ctx, call) {
    const eq = equalsFor((call.args[0] as BoundExpr).type);
    return pairwise(args[0] as Vector, args[1] as Vector, n, (x, y) => {
      const xn = x === null || x === undefined;
      const yn = y === null || y === undefined;
      return xn || yn ? xn && yn : eq(x, y);
    });
  },
};

function pairwise(a: Vector, b: Vector, n: number, f: (x: unknown, y: unknown) => unknown): Vector {
  if (a.kind === 'const' && b.kind === 'const') return constVector(f(a.value, b.value));
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) out[i] = f(get(a, i), get(b, i));
  return valuesVector(out);
}

function booleanOperands(name: string, args: readonly BoundExpr[], ctx: ResolveContext): BoundExpr[] {
  return binaryOperands(name, args, (t) => t.kind === 'boolean', T.boolean, ctx, T.boolean).args;
}

/** `and` / `or`: the left side decides a row when it is false (and) or true (or). */
function junction(name: 'and' | 'or'): ScalarFunction {
  const decisive = name === 'or';
  const evaluateLazy = (args: readonly LazyArg[], n: number): Vector => {
    const left = (args[0] as LazyArg)();
    if (left.kind === 'const') {
      if (left.value === decisive) return left;
      const right = (args[1] as LazyArg)();
      return combine(left, right, n, decisive);
    }
    const pending: number[] = [];
    const lv = left.values;
    for (let i = 0; i < n; i++) if (lv[i] !== decisive) pending.push(i);
    const out = lv.slice();
    if (pending.length === 0) return valuesVector(out);
    const right = (args[1] as LazyArg)(pending.length === n ? undefined : pending);
    for (let j = 0; j < pending.length; j++) {
      const i = pending[j] as number;
      out[i] = decide(lv[i], get(right, j), decisive);
    }
    return valuesVector(out);
  };
  return {
    name,
    resolve(args, ctx) {
      const cast = booleanOperands(name, args, ctx);
      return { args: cast, type: T.boolean, nullable: cast.some(nullableOf) };
    },
    evaluate: (args, n) => evaluateLazy(lazyOf(args), n),
    evaluateLazy: (args, n) => evaluateLazy(args, n),
  };
}

function decide(l: unknown, r: unknown, decisive: boolean): unknown {
  if (l === decisive || r === decisive) return decisive;
  if (l === null || l === undefined || r === null || r === undefined) return null;
  return !decisive;
}

function combine(left: Vector, right: Vector, n: number, decisive: boolean): Vector {
  return pairwise(left, right, n, (l, r) => decide(l, r, decisive));
}

export const and = junction('and');
export const or = junction('or');

export const not = simpleFunction('not', [T.boolean], [1], T.boolean, ([x]: [boolean]) => !x, { aliases: ['!'] });

function nullCheck(name: string, wantNull: boolean): ScalarFunction {
  return {
    name,
    resolve: neverNullResolve(name, [1], T.boolean),
    evaluate(args, n) {
      const a = args[0] as Vector;
      const test = (x: unknown): boolean => (x === null || x === undefined) === wantNull;
      if (a.kind === 'const') return constVector(test(a.value));
      const out = new Array<boolean>(n);
      for (let i = 0; i < n; i++) out[i] = test(a.values[i]);
      return valuesVector(out);
    },
  };
}

export const isNull = nullCheck('isnull', true);
export const isNotNull = nullCheck('isnotnull', false);

/** `in`: the first argument is the value, the rest the list; NULL when unmatched and the list has a NULL. */
export const inList: ScalarFunction = {
  name: 'in',
  resolve(args, ctx) {
    checkArity('in', args, { min: 1 });
    const type = widerCommonType(args.map((a) => a.type));
    if (!type) throw dataDiffTypes('in', args, args);
    const cast = args.map((a) => castTo(a, type, ctx));
    return { args: cast, type: T.boolean, nullable: cast.some(nullableOf) };
  },
  evaluate(args, n, _ctx, call) {
    const value = args[0] as Vector;
    const list = args.slice(1);
    const type = (call.args[0] as BoundExpr).type;
    if (list.every((v) => v.kind === 'const')) {
      const consts = list.map((v) => (v as { value: unknown }).value);
      const hasNull = consts.some((x) => x === null || x === undefined);
      const set = new Set(consts.filter((x) => x !== null && x !== undefined).map(hashKey));
      return map1(value, n, (x) => (set.has(hashKey(x)) ? true : hasNull ? null : false));
    }
    const eq = equalsFor(type);
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const x = get(value, i);
      if (x === null || x === undefined) {
        out[i] = null;
        continue;
      }
      let result: boolean | null = false;
      for (const v of list) {
        const y = get(v, i);
        if (y === null || y === undefined) result = null;
        else if (eq(x, y)) {
          result = true;
          break;
        }
      }
      out[i] = result;
    }
    return valuesVector(out);
  },
};

/** `between(x, lo, hi)` = `x >= lo AND x <= hi` over the three arguments' common type. */
export const between: ScalarFunction = {
  name: 'between',
  resolve(args, ctx) {
    checkArity('between', args, [3]);
    const type = widerCommonType(args.map((a) => a.type));
    if (!type || type.kind === 'map') throw dataDiffTypes('between', args, args);
    const cast = args.map((a) => castTo(a, type, ctx));
    return { args: cast, type: T.boolean, nullable: cast.some(nullableOf) };
  },
  evaluate(args, n, _ctx, call) {
    const cmp = comparatorFor((call.args[0] as BoundExpr).type);
    const [x, lo, hi] = args as [Vector, Vector, Vector];
    const ge = map2(x, lo, n, (a, b) => cmp(a, b) >= 0);
    const le = map2(x, hi, n, (a, b) => cmp(a, b) <= 0);
    return combine(ge, le, n, false);
  },
};

export const isNaN: ScalarFunction = {
  name: 'isnan',
  resolve(args, ctx) {
    checkArity('isnan', args, [1]);
    const a = args[0] as BoundExpr;
    const cast = a.type.kind === 'float' ? [a] : coerceArgs('isnan', args, [[T.double, T.float]], ctx);
    return { args: cast, type: T.boolean, nullable: false };
  },
  evaluate(args, n) {
    const a = args[0] as Vector;
    const test = (x: unknown): boolean => typeof x === 'number' && Number.isNaN(x);
    if (a.kind === 'const') return constVector(test(a.value));
    const out = new Array<boolean>(n);
    for (let i = 0; i < n; i++) out[i] = test(a.values[i]);
    return valuesVector(out);
  },
};

export const PREDICATES: readonly ScalarFunction[] = [
  equalTo,
  notEqual,
  equalNullSafe,
  lessThan,
  lessThanOrEqual,
  greaterThan,
  greaterThanOrEqual,
  and,
  or,
  not,
  isNull,
  isNotNull,
  inList,
  between,
  isNaN,
];
