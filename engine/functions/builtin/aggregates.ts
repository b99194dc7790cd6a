import { AnalysisError } from '../../errors/errors.js';
import { valueAt, type Vector } from '../../batch/vector.js';
import type { BoundExpr } from '../../expr/bound-expr.js';
import { T, isIntegral, type DataType } from '../../types/data-type.js';
import type { AggregateFunction, BufferSlot, ResolvedAggregate, ResolveContext } from '../function.js';
import { callSql, checkArity, coerceArgs, typeSql } from '../type-coercion.js';
import { arithmeticOverflow } from './numeric.js';
import { compareAny, hashKey } from './ordering.js';

/**
 * Aggregates with Spark's buffer/merge/finish lifecycle. Buffers merge slot by slot with generic
 * ops (`sum`, `min`, `max`, `union`), so partial aggregates combine in any store. A DISTINCT
 * aggregate keeps a Set of the distinct inputs (merged by union) and computes its result at finish;
 * the buffer itself tells `update` which form it has.
 */

function isPresent(x: unknown): boolean {
  return x !== null && x !== undefined;
}

function distinctSlot(args: readonly BoundExpr[]): BufferSlot {
  const element: DataType = args.length === 1 ? (args[0] as BoundExpr).type : T.struct(args.map((a, i) => T.field(`_${i + 1}`, a.type)));
  return { type: T.array(element, false), merge: 'union' };
}

/** Adds the row's arguments to a DISTINCT set when none is NULL. */
function addDistinct(set: Set<unknown>, args: readonly Vector[], row: number): void {
  if (args.length === 1) {
    const x = valueAt(args[0] as Vector, row);
    if (isPresent(x)) set.add(hashKey(x));
    return;
  }
  const xs = args.map((a) => valueAt(a, row));
  if (xs.every(isPresent)) set.add(hashKey(xs));
}

/** The original values of a DISTINCT set (composite values were stored as JSON keys). */
function distinctValues(set: Iterable<unknown>, type: DataType): unknown[] {
  const composite = type.kind === 'array' || type.kind === 'struct' || type.kind === 'map' || type.kind === 'binary';
  const out: unknown[] = [];
  for (const k of set) out.push(composite && typeof k === 'string' ? JSON.parse(k.slice(2)) : k);
  return out;
}

function asSet(x: unknown): Set<unknown> | undefined {
  return x instanceof Set ? x : undefined;
}

export const count: AggregateFunction = {
  name: 'count',
  resolve(args, distinct) {
    checkArity('count', args, { min: 1 });
    return { args, type: T.long, nullable: false, buffer: [distinct ? distinctSlot(args) : { type: T.long, merge: 'sum' }] };
  },
  init(state, offset, resolved) {
    state[offset] = resolved.buffer[0]?.merge === 'union' ? new Set() : 0;
  },
  update(state, offset, args, row) {
    const set = asSet(state[offset]);
    if (set) return addDistinct(set, args, row);
    for (const a of args) if (!isPresent(valueAt(a, row))) return;
    state[offset] = ((state[offset] as number | null) ?? 0) + 1;
  },
  updateGroups(states, offset, groupOf, numRows, args) {
    const first = states[0];
    if (first && asSet(first[offset])) {
      for (let i = 0; i < numRows; i++) count.update(states[groupOf[i] as number] as unknown[], offset, args, i);
      return;
    }
    // count(1) / count(col) with a constant non-null argument: one increment per row.
    if (args.every((a) => a.kind === 'const' && isPresent(a.value))) {
      for (let i = 0; i < numRows; i++) {
        const s = states[groupOf[i] as number] as unknown[];
        s[offset] = (s[offset] as number) + 1;
      }
      return;
    }
    for (let i = 0; i < numRows; i++) {
      let present = true;
      for (const a of args) if (!isPresent(valueAt(a, i))) present = false;
      if (present) {
        const s = states[groupOf[i] as number] as unknown[];
        s[offset] = ((s[offset] as number | null) ?? 0) + 1;
      }
    }
  },
  finish(state, offset) {
    const v = state[offset];
    return v instanceof Set ? v.size : ((v as number | null) ?? 0);
  },
};

/** `count_distinct(a, ...)`: `count(DISTINCT a, ...)`. */
export const countDistinct: AggregateFunction = {
  ...count,
  name: 'count_distinct',
  resolve: (args, _distinct, ctx) => count.resolve(args, true, ctx),
  prettyName: (argNames) => `count(DISTINCT ${argNames.join(', ')})`,
};

function numericArg(name: string, args: readonly BoundExpr[], ctx: ResolveContext): BoundExpr {
  checkArity(name, args, [1]);
  return coerceArgs(name, args, ['numeric'], ctx)[0] as BoundExpr;
}

/** A bigint sum outside the 64-bit range overflowed (always raised: finish has no ANSI flag to consult). */
function checkLong(v: unknown, type: DataType): unknown {
  if (type.kind === 'long' && typeof v === 'number' && (v >= 9223372036854775808 || v < -9223372036854775808)) throw arithmeticOverflow('try_add');
  return v;
}

export const sum: AggregateFunction = {
  name: 'sum',
  resolve(args, distinct, ctx) {
    const a = numericArg('sum', args, ctx);
    const type = isIntegral(a.type) ? T.long : T.double;
    return { args: [a], type, nullable: true, buffer: [distinct ? distinctSlot([a]) : { type, merge: 'sum' }] };
  },
  init(state, offset, resolved) {
    state[offset] = resolved.buffer[0]?.merge === 'union' ? new Set() : null;
  },
  update(state, offset, args, row) {
    const set = asSet(state[offset]);
    if (set) return addDistinct(set, args, row);
    const x = valueAt(args[0] as Vector, row);
    if (!isPresent(x)) return;
    const acc = state[offset] as number | null;
    state[offset] = acc === null || acc === undefined ? x : acc + (x as number);
  },
  finish(state, offset, resolved) {
    const v = state[offset];
    if (!(v instanceof Set)) return checkLong(v ?? null, resolved.type);
    if (v.size === 0) return null;
    let total = 0;
    for (const x of v) total += x as number;
    return checkLong(total, resolved.type);
  },
};

export const avg: AggregateFunction = {
  name: 'avg',
  resolve(args, distinct, ctx) {
    const a = numericArg('avg', args, ctx);
    const buffer: BufferSlot[] = distinct
      ? [distinctSlot([a])]
      : [
          { type: T.double, merge: 'sum' },
          { type: T.long, merge: 'sum' },
        ];
    return { args: [a], type: T.double, nullable: true, buffer };
  },
  init(state, offset, resolved) {
    if (resolved.buffer[0]?.merge === 'union') state[offset] = new Set();
    else {
      state[offset] = 0;
      state[offset + 1] = 0;
    }
  },
  update(state, offset, args, row) {
    const set = asSet(state[offset]);
    if (set) return addDistinct(set, args, row);
    const x = valueAt(args[0] as Vector, row);
    if (!isPresent(x)) return;
    state[offset] = ((state[offset] as number | null) ?? 0) + (x as number);
    state[offset + 1] = ((state[offset + 1] as number | null) ?? 0) + 1;
  },
  finish(state, offset) {
    const v = state[offset];
    if (v instanceof Set) {
      if (v.size === 0) return null;
      let total = 0;
      for (const x of v) total += x as number;
      return total / v.size;
    }
    const n = (state[offset + 1] as number | null) ?? 0;
    return n === 0 ? null : ((v as number | null) ?? 0) / n;
  },
};

export const mean: AggregateFunction = { ...avg, name: 'mean' };

function extremum(name: 'min' | 'max'): AggregateFunction {
  const better = name === 'min' ? (c: number) => c < 0 : (c: number) => c > 0;
  return {
    name,
    resolve(args) {
      checkArity(name, args, [1]);
      const a = args[0] as BoundExpr;
      if (a.type.kind === 'map') {
        throw AnalysisError.withClass('DATATYPE_MISMATCH.INVALID_ORDERING_TYPE', {
          sqlExpr: callSql(name, args),
          functionName: `\`${name}\``,
          dataType: typeSql(a.type),
        });
      }
      return { args, type: a.type, nullable: true, buffer: [{ type: a.type, merge: name }] };
    },
    init(state, offset) {
      state[offset] = null;
    },
    update(state, offset, args, row) {
      const x = valueAt(args[0] as Vector, row);
      if (!isPresent(x)) return;
      const cur = state[offset];
      if (cur === null || cur === undefined || better(compareAny(x, cur))) state[offset] = x;
    },
    finish(state, offset) {
      return state[offset] ?? null;
    },
  };
}

export const min = extremum('min');
export const max = extremum('max');

/** `bool_and` / `bool_or` (`every`, `any`, `some`): min / max over booleans. */
function booleanAggregate(name: string, inner: AggregateFunction, aliases: readonly string[]): AggregateFunction {
  return {
    ...inner,
    name,
    aliases,
    resolve(args, distinct, ctx): ResolvedAggregate {
      checkArity(name, args, [1]);
      const a = coerceArgs(name, args, [T.boolean], ctx);
      return inner.resolve(a, distinct, ctx);
    },
  };
}

export const boolAnd = booleanAggregate('bool_and', min, ['every']);
export const boolOr = booleanAggregate('bool_or', max, ['any', 'some']);

/** Exact: a Set of the distinct non-null inputs (Spark's HyperLogLog++ estimate is exact at small sizes). */
export const approxCountDistinct: AggregateFunction = {
  name: 'approx_count_distinct',
  resolve(args) {
    checkArity('approx_count_distinct', args, [1, 2]);
    const a = args[0] as BoundExpr;
    return { args: [a], type: T.long, nullable: false, buffer: [distinctSlot([a])] };
  },
  init(state, offset) {
    state[offset] = new Set();
  },
  update(state, offset, args, row) {
    const set = asSet(state[offset]);
    if (set) addDistinct(set, args, row);
  },
  finish(state, offset) {
    const v = state[offset];
    return v instanceof Set ? v.size : 0;
  },
};

export const collectSet: AggregateFunction = {
  name: 'collect_set',
  resolve(args) {
    checkArity('collect_set', args, [1]);
    const a = args[0] as BoundExpr;
    return { args, type: T.array(a.type, false), nullable: false, buffer: [distinctSlot([a])] };
  },
  init: approxCountDistinct.init,
  update: approxCountDistinct.update,
  finish(state, offset, resolved) {
    const v = state[offset];
    return v instanceof Set ? distinctValues(v, (resolved.args[0] as BoundExpr).type) : [];
  },
};

export const AGGREGATES: readonly AggregateFunction[] = [
  count,
  countDistinct,
  sum,
  avg,
  mean,
  min,
  max,
  boolAnd,
  boolOr,
  approxCountDistinct,
  collectSet,
];
