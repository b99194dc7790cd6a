import { describe, expect, it } from 'vitest';
import { constVector, valuesVector, type Vector } from '../../../engine/batch/vector.js';
import type { BoundExpr } from '../../../engine/expr/bound-expr.js';
import { defaultRegistry } from '../../../engine/functions/builtin/index.js';
import type { AggregateFunction, MergeOp, ResolvedAggregate } from '../../../engine/functions/function.js';
import { mergeBuffers } from '../../../engine/state/state-store.js';
import { T } from '../../../engine/types/data-type.js';
import { ansi, errorOf, int, lit, table } from './support.js';

function agg(name: string): AggregateFunction {
  const e = defaultRegistry.lookup(name);
  if (e?.kind !== 'aggregate') throw new Error(`${name} is not an aggregate`);
  return e.fn;
}

/** Runs an aggregate over `parts` (each a list of argument vectors + row count), merging partial buffers by their MergeOps. */
function run(name: string, args: readonly BoundExpr[], distinct: boolean, parts: readonly (readonly [readonly Vector[], number])[]): unknown {
  const fn = agg(name);
  const resolved: ResolvedAggregate = fn.resolve(args, distinct, ansi);
  const ops: MergeOp[] = resolved.buffer.map((b) => b.merge);
  const partials = parts.map(([vectors, n]) => {
    const state = new Array<unknown>(resolved.buffer.length + 1).fill(null);
    fn.init(state, 1, resolved);
    for (let row = 0; row < n; row++) fn.update(state, 1, vectors, row);
    return state.slice(1);
  });
  const total = new Array<unknown>(resolved.buffer.length).fill(null);
  for (const p of partials) mergeBuffers(total, p, ops);
  return fn.finish(total, 0, resolved);
}

const ints = (...xs: (number | null)[]): Vector => valuesVector(xs);

describe('aggregates', () => {
  const { ref } = table({ x: [T.integer, []], y: [T.string, []], d: [T.double, []], b: [T.boolean, []] });

  it('count: rows with all arguments non-null; count(1) counts rows; long and not nullable', () => {
    const r = agg('count').resolve([ref('x')], false, ansi);
    expect(r.type).toEqual(T.long);
    expect(r.nullable).toBe(false);
    expect(run('count', [ref('x')], false, [[[ints(1, null, 3)], 3], [[ints(null)], 1]])).toBe(2);
    expect(run('count', [int(1)], false, [[[constVector(1)], 4], [[constVector(1)], 0]])).toBe(4);
    expect(run('count', [ref('x'), ref('y')], false, [[[ints(1, null, 3), valuesVector(['a', 'b', null])], 3]])).toBe(1);
    expect(run('count', [ref('x')], false, [])).toBe(0);
  });

  it('count(DISTINCT) keeps a set merged by union across partials', () => {
    const r = agg('count').resolve([ref('x')], true, ansi);
    expect(r.buffer).toEqual([{ type: T.array(T.integer, false), merge: 'union' }]);
    expect(run('count', [ref('x')], true, [[[ints(1, 1, null, 2)], 4], [[ints(2, 3)], 2]])).toBe(3);
    expect(run('count_distinct', [ref('x')], false, [[[ints(1, 1, 2)], 3]])).toBe(2);
    expect(run('approx_count_distinct', [ref('x')], false, [[[ints(1, 1, 2)], 3], [[ints(5)], 1]])).toBe(3);
  });

  it('sum: bigint for integral input, double for fractional, NULL without input', () => {
    expect(agg('sum').resolve([ref('x')], false, ansi).type).toEqual(T.long);
    expect(agg('sum').resolve([ref('d')], false, ansi).type).toEqual(T.double);
    expect(agg('sum').resolve([ref('y')], false, ansi).type).toEqual(T.double);
    expect(run('sum', [ref('x')], false, [[[ints(1, null, 3)], 3], [[ints(10)], 1]])).toBe(14);
    expect(run('sum', [ref('x')], false, [[[ints(null)], 1]])).toBeNull();
    expect(run('sum', [ref('x')], true, [[[ints(1, 1, 2)], 3], [[ints(2)], 1]])).toBe(3);
    expect(errorOf(() => run('sum', [ref('x')], false, [[[ints(9223372036854775807, 9223372036854775807)], 2]])).errorClass).toBe('ARITHMETIC_OVERFLOW');
  });

  it('avg / mean: double over a [sum, count] buffer', () => {
    const r = agg('avg').resolve([ref('x')], false, ansi);
    expect(r.type).toEqual(T.double);
    expect(r.buffer.map((b) => b.merge)).toEqual(['sum', 'sum']);
    expect(run('avg', [ref('x')], false, [[[ints(1, null)], 2], [[ints(2)], 1]])).toBe(1.5);
    expect(run('mean', [ref('x')], false, [[[ints(null)], 1]])).toBeNull();
    expect(run('avg', [ref('x')], true, [[[ints(1, 1, 4)], 3]])).toBe(2.5);
  });

  it('min / max over any orderable type', () => {
    expect(run('min', [ref('y')], false, [[[valuesVector(['b', null])], 2], [[valuesVector(['a'])], 1]])).toBe('a');
    expect(run('max', [ref('y')], false, [[[valuesVector(['b', null])], 2], [[valuesVector(['a'])], 1]])).toBe('b');
    expect(run('max', [ref('x')], false, [[[ints(null)], 1]])).toBeNull();
    expect(run('max', [ref('d')], false, [[[valuesVector([1, NaN, 3])], 3]])).toBeNaN();
    expect(errorOf(() => agg('min').resolve([lit(new Map(), T.map(T.string, T.integer))], false, ansi)).errorClass).toBe(
      'DATATYPE_MISMATCH.INVALID_ORDERING_TYPE',
    );
  });

  it('bool_and / bool_or and collect_set', () => {
    expect(run('bool_and', [ref('b')], false, [[[valuesVector([true, false])], 2]])).toBe(false);
    expect(run('bool_or', [ref('b')], false, [[[valuesVector([true, false])], 2]])).toBe(true);
    const set = run('collect_set', [ref('y')], false, [[[valuesVector(['a', 'b', 'a', null])], 4]]) as string[];
    expect([...set].sort()).toEqual(['a', 'b']);
    expect(errorOf(() => agg('bool_and').resolve([ref('x')], false, ansi)).errorClass).toBe('DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE');
  });
});
