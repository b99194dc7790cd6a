import { valueAt, type Vector } from '../../batch/vector.js';
import { AnalysisError } from '../../errors/errors.js';
import { B, type BoundExpr } from '../../expr/bound-expr.js';
import type { Moments } from '../../state/state-store.js';
import { T, type DataType } from '../../types/data-type.js';
import type { AggregateFunction, BufferSlot, ResolveContext } from '../function.js';
import { checkArity, coerceArgs, isFoldable } from '../type-coercion.js';
import { comparatorFor, hashKey } from './ordering.js';

/**
 * More aggregates: `first`/`last`/`any_value`, `collect_list`, `count_if`, the central-moment
 * statistics (`stddev`, `variance` and their `_samp`/`_pop` forms, merged as Spark merges them),
 * and the holistic ones over every value of a group (`median`, `percentile`, `percentile_approx`,
 * `mode`). Each name Spark keeps in column names is its own registration.
 */

function isPresent(x: unknown): boolean {
  return x !== null && x !== undefined;
}

function named(fn: AggregateFunction, name: string): AggregateFunction {
  return { ...fn, name, aliases: [] };
}

/** `first(x[, ignoreNulls])` / `last(...)`: the slot holds `[value]` once a row was taken. */
function firstLast(name: string, which: 'first' | 'last'): AggregateFunction {
  return {
    name,
    resolve(args, _distinct, ctx) {
      checkArity(name, args, [1, 2]);
      const [x, ignore] = args as [BoundExpr, BoundExpr | undefined];
      if (ignore !== undefined) {
        const b = coerceArgs(name, [x, ignore], ['any', T.boolean], ctx)[1] as BoundExpr;
        if (!isFoldable(b)) {
          throw AnalysisError.withClass('DATATYPE_MISMATCH.NON_FOLDABLE_INPUT', { sqlExpr: `"${name}(...)"`, inputName: '`ignoreNulls`', inputType: '"BOOLEAN"', inputExpr: '"..."' });
        }
      }
      const ignoreNulls = ignore?.kind === 'literal' && ignore.value === true;
      return { args: [x, B.lit(ignoreNulls, T.boolean)], type: x.type, nullable: true, buffer: [{ type: T.array(x.type), merge: which }] };
    },
    init(state, offset) {
      state[offset] = null;
    },
    update(state, offset, args, row) {
      const x = valueAt(args[0] as Vector, row) ?? null;
      const ignoreNulls = valueAt(args[1] as Vector, row) === true;
      if (ignoreNulls && x === null) return;
      if (which === 'first' && state[offset] !== null && state[offset] !== undefined) return;
      state[offset] = [x];
    },
    finish(state, offset) {
      const v = state[offset] as unknown[] | null | undefined;
      return v ? (v[0] ?? null) : null;
    },
  };
}

export const first = firstLast('first', 'first');
export const last = firstLast('last', 'last');

/** The non-null values of a group, in input order (partials appended in partition order). */
function collecting(name: string, type: (t: DataType) => DataType, finish: (values: unknown[], args: readonly BoundExpr[]) => unknown, check?: (args: readonly BoundExpr[], ctx: ResolveContext) => BoundExpr[]): AggregateFunction {
  return {
    name,
    resolve(args, _distinct, ctx) {
      const cast = check ? check(args, ctx) : (checkArity(name, args, [1]), [...args]);
      const x = cast[0] as BoundExpr;
      const slot: BufferSlot = { type: T.array(x.type, false), merge: 'concat' };
      return { args: cast, type: type(x.type), nullable: name !== 'collect_list' && name !== 'array_agg', buffer: [slot] };
    },
    init(state, offset) {
      state[offset] = null;
    },
    update(state, offset, args, row) {
      const x = valueAt(args[0] as Vector, row);
      // Created on first use: initial buffers may be copied shallowly between groups.
      if (isPresent(x)) ((state[offset] as unknown[] | null) ?? (state[offset] = [])).push(x);
    },
    finish(state, offset, resolved) {
      const values = (state[offset] as unknown[] | null) ?? [];
      return finish(values, resolved.args);
    },
  };
}

export const collectList = collecting('collect_list', (t) => T.array(t, false), (values) => values);

function numericToDouble(name: string, arity: readonly number[]) {
  return (args: readonly BoundExpr[], ctx: ResolveContext): BoundExpr[] => {
    checkArity(name, args, arity);
    return coerceArgs(name, args, [T.double, T.double, T.long], ctx);
  };
}

/** A literal fraction in [0, 1], or an array of them (Spark's percentage argument). */
function percentages(name: string, e: BoundExpr | undefined): { values: number[]; array: boolean } {
  const v = e?.kind === 'literal' ? e.value : undefined;
  const values = Array.isArray(v) ? (v as unknown[]) : [v];
  if (!e || !isFoldable(e) || values.some((p) => typeof p !== 'number' || p < 0 || p > 1)) {
    throw AnalysisError.withClass('DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE', {
      sqlExpr: `"${name}(...)"`,
      exprName: 'percentage',
      valueRange: '[0.0, 1.0]',
      currentValue: String(v),
    });
  }
  return { values: values as number[], array: Array.isArray(v) };
}

/** Spark's exact percentile: linear interpolation between the neighbouring ranks. */
function exactPercentile(sorted: readonly number[], p: number): number {
  const position = (sorted.length - 1) * p;
  const lower = Math.floor(position);
  const higher = Math.ceil(position);
  const lo = sorted[lower] as number;
  const hi = sorted[higher] as number;
  return higher === lower ? lo : (higher - position) * lo + (position - lower) * hi;
}

function sortedNumbers(values: unknown[]): number[] {
  return (values as number[]).slice().sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export const median = collecting('median', () => T.double, (values) => (values.length === 0 ? null : exactPercentile(sortedNumbers(values), 0.5)), numericToDouble('median', [1]));

const percentileBase = collecting(
  'percentile',
  () => T.double,
  (values, args) => {
    if (values.length === 0) return null;
    const { values: ps, array } = percentages('percentile', args[1]);
    const sorted = sortedNumbers(values);
    const out = ps.map((p) => exactPercentile(sorted, p));
    return array ? out : out[0];
  },
  (args, ctx) => {
    checkArity('percentile', args, [2, 3]);
    const [x, p] = args as [BoundExpr, BoundExpr];
    percentages('percentile', p);
    const frequency = args[2] ?? B.lit(1, T.integer);
    return [coerceArgs('percentile', [x], [T.double], ctx)[0] as BoundExpr, p, frequency];
  },
);

export const percentile: AggregateFunction = {
  ...percentileBase,
  resolve(args, distinct, ctx) {
    const r = percentileBase.resolve(args, distinct, ctx);
    const { array } = percentages('percentile', r.args[1]);
    return { ...r, type: array ? T.array(T.double, false) : T.double };
  },
  prettyName: (a) => `percentile(${[...a, ...(a.length === 2 ? ['1'] : [])].join(', ')})`,
};

/** Spark's GK summary is exact at these sizes: the value at rank ceil(p·n) (1-based). */
function approxPercentile(name: string): AggregateFunction {
  const base = collecting(
    name,
    (t) => t,
    (values, args) => {
      if (values.length === 0) return null;
      const { values: ps, array } = percentages(name, args[1]);
      const cmp = comparatorFor((args[0] as BoundExpr).type);
      const sorted = values.slice().sort(cmp);
      const at = (p: number): unknown => {
        const accuracy = Number((args[2] as { value?: unknown }).value ?? 10000);
        const relativeError = 1 / accuracy;
        if (p <= relativeError) return sorted[0];
        if (p >= 1 - relativeError) return sorted[sorted.length - 1];
        const rank = Math.ceil(p * sorted.length);
        return sorted[Math.min(Math.max(rank - 1, 0), sorted.length - 1)];
      };
      const out = ps.map(at);
      return array ? out : out[0];
    },
    (args, ctx) => {
      checkArity(name, args, [2, 3]);
      const [x, p] = args as [BoundExpr, BoundExpr];
      percentages(name, p);
      const numericOrTime = x.type.kind === 'date' || x.type.kind === 'timestamp' || x.type.kind === 'timestamp_ntz';
      const value = numericOrTime ? x : (coerceArgs(name, [x], ['numeric'], ctx)[0] as BoundExpr);
      const accuracy = args[2] ? (coerceArgs(name, [x, x, args[2]], ['any', 'any', T.integer], ctx)[2] as BoundExpr) : B.lit(10000, T.integer);
      return [value, p, accuracy];
    },
  );
  return {
    ...base,
    resolve(args, distinct, ctx) {
      const r = base.resolve(args, distinct, ctx);
      const { array } = percentages(name, r.args[1]);
      const t = (r.args[0] as BoundExpr).type;
      return { ...r, type: array ? T.array(t, false) : t };
    },
    prettyName: (a) => `${name}(${[...a, ...(a.length === 2 ? ['10000'] : [])].join(', ')})`,
  };
}

export const percentileApprox = approxPercentile('percentile_approx');
export const approxPercentileFn = approxPercentile('approx_percentile');

/**
 * The most frequent value; ties go to the value seen first, or with `mode(x, true)` (PySpark
 * always sends the flag) to the smallest, as Spark's deterministic mode.
 */
export const mode = collecting('mode', (t) => t, (values, args) => {
  const deterministic = args[1]?.kind === 'literal' && args[1].value === true;
  if (deterministic) values = values.slice().sort(comparatorFor((args[0] as BoundExpr).type));
  const counts = new Map<unknown, { value: unknown; n: number }>();
  let best: { value: unknown; n: number } | undefined;
  for (const v of values) {
    const k = hashKey(v);
    const c = counts.get(k) ?? { value: v, n: 0 };
    c.n++;
    counts.set(k, c);
    if (!best || c.n > best.n) best = c;
  }
  return best ? best.value : null;
}, (args, ctx) => {
  checkArity('mode', args, [1, 2]);
  return args.length === 2 ? [args[0] as BoundExpr, coerceArgs('mode', args, ['any', T.boolean], ctx)[1] as BoundExpr] : [...args];
});

export const countIf: AggregateFunction = {
  name: 'count_if',
  resolve(args, _distinct, ctx) {
    checkArity('count_if', args, [1]);
    const b = coerceArgs('count_if', args, [T.boolean], ctx);
    return { args: b, type: T.long, nullable: false, buffer: [{ type: T.long, merge: 'sum' }] };
  },
  init(state, offset) {
    state[offset] = 0;
  },
  update(state, offset, args, row) {
    if (valueAt(args[0] as Vector, row) === true) state[offset] = ((state[offset] as number | null) ?? 0) + 1;
  },
  finish(state, offset) {
    return (state[offset] as number | null) ?? 0;
  },
};

/** Spark's CentralMomentAgg: a `[n, mean, m2]` buffer updated with Welford's step. */
function moment(name: string, result: (m: Moments) => number | null): AggregateFunction {
  return {
    name,
    resolve(args, _distinct, ctx) {
      checkArity(name, args, [1]);
      const x = coerceArgs(name, args, [T.double], ctx);
      return { args: x, type: T.double, nullable: true, buffer: [{ type: T.array(T.double), merge: 'moments' }] };
    },
    init(state, offset) {
      state[offset] = null;
    },
    update(state, offset, args, row) {
      const x = valueAt(args[0] as Vector, row);
      if (!isPresent(x)) return;
      const [n0, avg0, m20] = (state[offset] as Moments | null) ?? [0, 0, 0];
      const n = n0 + 1;
      const delta = (x as number) - avg0;
      const deltaN = delta / n;
      state[offset] = [n, avg0 + deltaN, m20 + delta * (delta - deltaN)];
    },
    finish(state, offset) {
      const m = state[offset] as Moments | null;
      return m ? result(m) : null;
    },
  };
}

const varSamp = (m: Moments): number | null => (m[0] === 0 ? null : m[0] === 1 ? null : m[2] / (m[0] - 1));
const varPop = (m: Moments): number | null => (m[0] === 0 ? null : m[2] / m[0]);
const sqrtOrNull = (f: (m: Moments) => number | null) => (m: Moments): number | null => {
  const v = f(m);
  return v === null ? null : Math.sqrt(v);
};

export const stddevSamp = moment('stddev_samp', sqrtOrNull(varSamp));
export const stddevPop = moment('stddev_pop', sqrtOrNull(varPop));
export const varianceSamp = moment('var_samp', varSamp);
export const variancePop = moment('var_pop', varPop);

export const EXTRA_AGGREGATES: readonly AggregateFunction[] = [
  first,
  named(first, 'first_value'),
  named(first, 'any_value'),
  last,
  named(last, 'last_value'),
  collectList,
  named(collectList, 'array_agg'),
  countIf,
  median,
  percentile,
  percentileApprox,
  approxPercentileFn,
  mode,
  stddevSamp,
  named(stddevSamp, 'stddev'),
  named(stddevSamp, 'std'),
  stddevPop,
  varianceSamp,
  named(varianceSamp, 'variance'),
  variancePop,
];
