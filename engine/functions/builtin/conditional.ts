import { AnalysisError } from '../../errors/errors.js';
import { constVector, valuesVector, type Vector } from '../../batch/vector.js';
import type { BoundExpr } from '../../expr/bound-expr.js';
import { T } from '../../types/data-type.js';
import type { LazyArg, ResolveContext, ScalarFunction } from '../function.js';
import {
  callSql,
  castTo,
  checkArity,
  coerceArgs,
  coerceToCommon,
  dataDiffTypes,
  exprSql,
  ordinal,
  typeSql,
  widerCommonType,
} from '../type-coercion.js';
import { nullableOf } from './operators.js';
import { equalsFor } from './ordering.js';
import { get, lazyOf } from './vectorize.js';

/**
 * Conditional functions. Each evaluates a branch only on the rows that take it, so
 * `when(x != 0, 1 / x)` never raises DIVIDE_BY_ZERO for rows where x = 0.
 */

/** Rows still undecided: undefined means "every row of the batch". */
type Rows = readonly number[] | undefined;

function rowAt(rows: Rows, j: number): number {
  return rows === undefined ? j : (rows[j] as number);
}

function countOf(rows: Rows, n: number): number {
  return rows === undefined ? n : rows.length;
}

/** Splits `rows` by a boolean vector evaluated over them: rows where it is true, and the others. */
function partition(cond: Vector, rows: Rows, n: number): { taken: number[]; rest: number[] } {
  const taken: number[] = [];
  const rest: number[] = [];
  const m = countOf(rows, n);
  for (let j = 0; j < m; j++) (get(cond, j) === true ? taken : rest).push(rowAt(rows, j));
  return { taken, rest };
}

function scatter(out: unknown[], rows: readonly number[], v: Vector): void {
  for (let j = 0; j < rows.length; j++) out[rows[j] as number] = get(v, j);
}

function subset(rows: readonly number[], n: number): Rows {
  return rows.length === n ? undefined : rows;
}

/** `when(c1, v1, c2, v2, ..., [else])`: Spark's CASE WHEN. */
export const caseWhen: ScalarFunction = {
  name: 'when',
  aliases: ['casewhen'],
  resolve(args, ctx) {
    checkArity('when', args, { min: 1 });
    const pairs = Math.floor(args.length / 2);
    const values = args.filter((_, i) => i % 2 === 1 || (i === args.length - 1 && args.length % 2 === 1));
    const type = widerCommonType(values.map((v) => v.type));
    if (!type) throw dataDiffTypes('casewhen', args, values);
    const out = args.map((a, i) => {
      const isCondition = i % 2 === 0 && i < 2 * pairs;
      if (!isCondition) return castTo(a, type, ctx);
      if (a.type.kind === 'boolean') return a;
      if (a.type.kind === 'null') return castTo(a, T.boolean, ctx);
      throw AnalysisError.withClass('DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE', {
        sqlExpr: callSql('when', args),
        paramIndex: ordinal(i),
        requiredType: '"BOOLEAN"',
        inputSql: exprSql(a),
        inputType: typeSql(a.type),
      });
    });
    const hasElse = args.length % 2 === 1;
    const nullable = !hasElse || out.some((a, i) => (i % 2 === 1 || (hasElse && i === out.length - 1)) && nullableOf(a));
    return { args: out, type, nullable };
  },
  evaluate: (args, n) => evaluateCaseWhen(lazyOf(args), n),
  evaluateLazy: (args, n) => evaluateCaseWhen(args, n),
};

function evaluateCaseWhen(args: readonly LazyArg[], n: number): Vector {
  const pairs = Math.floor(args.length / 2);
  const elseArg = args.length % 2 === 1 ? args[args.length - 1] : undefined;
  let rows: Rows = undefined;
  const out = new Array<unknown>(n).fill(null);
  for (let k = 0; k < pairs; k++) {
    if (countOf(rows, n) === 0) return valuesVector(out);
    const cond = (args[2 * k] as LazyArg)(rows);
    if (cond.kind === 'const') {
      if (cond.value !== true) continue;
      const v = (args[2 * k + 1] as LazyArg)(rows);
      if (rows === undefined) return v;
      scatter(out, rows, v);
      return valuesVector(out);
    }
    const { taken, rest } = partition(cond, rows, n);
    if (taken.length === 0) continue;
    scatter(out, taken, (args[2 * k + 1] as LazyArg)(subset(taken, n)));
    rows = rest;
  }
  if (elseArg !== undefined && countOf(rows, n) > 0) {
    const v = elseArg(rows);
    if (rows === undefined) return v;
    scatter(out, rows, v);
  }
  return valuesVector(out);
}

/** `if(cond, a, b)`: b also for rows where cond is NULL. */
export const ifFunction: ScalarFunction = {
  name: 'if',
  aliases: ['iff'],
  resolve(args, ctx) {
    checkArity('if', args, [3]);
    const [c, a, b] = args as [BoundExpr, BoundExpr, BoundExpr];
    const type = widerCommonType([a.type, b.type]);
    if (!type) throw dataDiffTypes('if', args, [a, b]);
    const cond = coerceArgs('if', [c], [T.boolean], ctx)[0] as BoundExpr;
    return { args: [cond, castTo(a, type, ctx), castTo(b, type, ctx)], type, nullable: nullableOf(a) || nullableOf(b) };
  },
  evaluate: (args, n) => evaluateCaseWhen(lazyOf(args), n),
  evaluateLazy: (args, n) => evaluateCaseWhen(args, n),
};

function evaluateCoalesce(args: readonly LazyArg[], n: number): Vector {
  let rows: Rows = undefined;
  const out = new Array<unknown>(n).fill(null);
  for (const arg of args) {
    const m = countOf(rows, n);
    if (m === 0) break;
    const v = arg(rows);
    if (v.kind === 'const') {
      if (v.value === null || v.value === undefined) continue;
      if (rows === undefined) return v;
      scatter(out, rows, v);
      return valuesVector(out);
    }
    const missing: number[] = [];
    for (let j = 0; j < m; j++) {
      const x = v.values[j];
      if (x === null || x === undefined) missing.push(rowAt(rows, j));
      else out[rowAt(rows, j)] = x;
    }
    // Nothing filled: keep the same selection (no re-gathering of every row).
    if (missing.length < m) rows = missing;
  }
  return valuesVector(out);
}

function coalesceLike(name: string, arity?: readonly number[]): ScalarFunction {
  return {
    name,
    resolve(args, ctx: ResolveContext) {
      checkArity(name, args, arity ?? { min: 1 });
      const { args: cast, type } = coerceToCommon(name, args, ctx);
      return { args: cast, type, nullable: cast.every(nullableOf) };
    },
    evaluate: (args, n) => evaluateCoalesce(lazyOf(args), n),
    evaluateLazy: (args, n) => evaluateCoalesce(args, n),
  };
}

export const coalesce = coalesceLike('coalesce');
export const nvl = coalesceLike('nvl', [2]);
export const ifnull = coalesceLike('ifnull', [2]);

export const nvl2: ScalarFunction = {
  name: 'nvl2',
  resolve(args, ctx) {
    checkArity('nvl2', args, [3]);
    const [c, a, b] = args as [BoundExpr, BoundExpr, BoundExpr];
    const type = widerCommonType([a.type, b.type]);
    if (!type) throw dataDiffTypes('nvl2', args, [a, b]);
    return { args: [c, castTo(a, type, ctx), castTo(b, type, ctx)], type, nullable: nullableOf(a) || nullableOf(b) };
  },
  evaluate: (args, n) => evaluateNvl2(lazyOf(args), n),
  evaluateLazy: (args, n) => evaluateNvl2(args, n),
};

function evaluateNvl2(args: readonly LazyArg[], n: number): Vector {
  const [c, a, b] = args as [LazyArg, LazyArg, LazyArg];
  const present = c();
  const isPresent = (x: unknown): boolean => x !== null && x !== undefined;
  if (present.kind === 'const') return isPresent(present.value) ? a() : b();
  const taken: number[] = [];
  const rest: number[] = [];
  for (let i = 0; i < n; i++) (isPresent(present.values[i]) ? taken : rest).push(i);
  const out = new Array<unknown>(n).fill(null);
  if (taken.length > 0) scatter(out, taken, a(subset(taken, n)));
  if (rest.length > 0) scatter(out, rest, b(subset(rest, n)));
  return valuesVector(out);
}

/** `nullif(a, b)`: NULL when a = b, else a. */
export const nullif: ScalarFunction = {
  name: 'nullif',
  resolve(args, ctx) {
    checkArity('nullif', args, [2]);
    const { args: cast } = coerceToCommon('nullif', args, ctx);
    return { args: cast, type: (cast[0] as BoundExpr).type, nullable: true };
  },
  evaluate(args, n, _ctx, call) {
    const eq = equalsFor(call.type);
    return pick(args[0] as Vector, args[1] as Vector, n, eq);
  },
};

function pick(a: Vector, b: Vector, n: number, eq: (x: unknown, y: unknown) => boolean): Vector {
  return rowwise(a, b, n, (x, y) => (x === null || x === undefined ? null : y !== null && y !== undefined && eq(x, y) ? null : x));
}

function rowwise(a: Vector, b: Vector, n: number, one: (x: unknown, y: unknown) => unknown): Vector {
  if (a.kind === 'const' && b.kind === 'const') return constVector(one(a.value, b.value));
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) out[i] = one(get(a, i), get(b, i));
  return valuesVector(out);
}

/** `nanvl(a, b)`: b where a is NaN. */
export const nanvl: ScalarFunction = {
  name: 'nanvl',
  resolve(args, ctx) {
    checkArity('nanvl', args, [2]);
    const both = args.every((a) => a.type.kind === 'float');
    const cast = both ? args : coerceArgs('nanvl', args, [T.double, T.double], ctx);
    return { args: cast, type: (cast[0] as BoundExpr).type, nullable: cast.some(nullableOf) };
  },
  evaluate: (args, n) =>
    rowwise(args[0] as Vector, args[1] as Vector, n, (x, y) => (typeof x === 'number' && Number.isNaN(x) ? (y ?? null) : (x ?? null))),
};

export const CONDITIONALS: readonly ScalarFunction[] = [caseWhen, ifFunction, coalesce, nvl, ifnull, nvl2, nullif, nanvl];
