import { describe, expect, it } from 'vitest';
import { decodeArrowIpc } from '../../../engine/arrow/decode.js';
import { encodeArrowBatch } from '../../../engine/arrow/encode.js';
import { recordBatch } from '../../../engine/batch/record-batch.js';
import { constVector, valuesVector, type Vector } from '../../../engine/batch/vector.js';
import type { BoundExpr } from '../../../engine/expr/bound-expr.js';
import { defaultRegistry } from '../../../engine/functions/builtin/index.js';
import { formatNumber } from '../../../engine/functions/builtin/misc.js';
import type { MergeOp, ResolvedAggregate } from '../../../engine/functions/function.js';
import { sparkSlices } from '../../../engine/physical/leaf-slices.js';
import { intervalLiteral } from '../../../engine/sql/interval-literal.js';
import { parseExpression, parseSql } from '../../../engine/sql/index.js';
import { mergeBuffers } from '../../../engine/state/state-store.js';
import { T } from '../../../engine/types/data-type.js';
import { schemaOf } from '../../../engine/types/schema.js';
import { ansi } from './support.js';

/** Runs an aggregate over partitions of doubles, merging partials in order as the executor does. */
function aggregate(name: string, parts: readonly (readonly (number | null)[])[]): unknown {
  const e = defaultRegistry.lookup(name);
  if (e?.kind !== 'aggregate') throw new Error(name);
  const arg: BoundExpr = { kind: 'ref', index: 0, type: T.double, nullable: true, name: 'x' };
  const resolved: ResolvedAggregate = e.fn.resolve([arg], false, ansi);
  const ops: MergeOp[] = resolved.buffer.map((b) => b.merge);
  const total = new Array<unknown>(resolved.buffer.length).fill(null);
  for (const part of parts) {
    const state = new Array<unknown>(resolved.buffer.length).fill(null);
    e.fn.init(state, 0, resolved);
    const v: Vector = valuesVector(part);
    const args = resolved.args.map((a, i) => (i === 0 ? v : constVector(a.kind === 'literal' ? a.value : null)));
    for (let i = 0; i < part.length; i++) e.fn.update(state, 0, args, i);
    mergeBuffers(total, state, ops);
  }
  return e.fn.finish(total, 0, resolved);
}

describe('notebook functions (issue 14)', () => {
  it('format_number rounds half-even on the exact double, groups thousands', () => {
    expect(formatNumber(1234567.891, 2)).toBe('1,234,567.89');
    expect(formatNumber(0.5, 0)).toBe('0');
    expect(formatNumber(1.5, 0)).toBe('2');
    expect(formatNumber(2.5, 0)).toBe('2');
    expect(formatNumber(0.125, 2)).toBe('0.12');
    expect(formatNumber(-1234.5, 1)).toBe('-1,234.5');
  });

  it('interval literals take Spark 4 names: day-time padded, ranges, year-month', () => {
    expect(intervalLiteral('5 minutes').sql).toBe("INTERVAL '05' MINUTE");
    expect(intervalLiteral('2 days')).toMatchObject({ sql: "INTERVAL '2' DAY", daysOnly: true });
    expect(intervalLiteral('1 days 2 hours 3 minutes 4 seconds').sql).toBe("INTERVAL '1 02:03:04' DAY TO SECOND");
    expect(intervalLiteral('1 months')).toMatchObject({ sql: "INTERVAL '1' MONTH", yearMonth: true });
    expect(intervalLiteral('-90 minutes').sql).toBe("INTERVAL '-90' MINUTE");
  });

  it('collect_list / first / stddev buffers merge per partition, in partition order', () => {
    expect(aggregate('collect_list', [[1, null, 2], [3]])).toEqual([1, 2, 3]);
    expect(aggregate('first', [[null, 2], [3]])).toBeNull();
    expect(aggregate('last', [[1, 2], [3, 4]])).toBe(4);
    expect(aggregate('median', [[4, 1], [3, 2]])).toBe(2.5);
    // Spark's CentralMomentAgg: Welford per partition, Chan's merge between them.
    expect(aggregate('var_samp', [[1, 2, 3], [4, 5, 6]])).toBe(3.5);
    expect(aggregate('stddev_pop', [[2, 4, 4, 4], [5, 5, 7, 9]])).toBe(2);
    expect(aggregate('stddev', [[1]])).toBeNull();
  });

  it("slices driver data as Spark's parallelize does, so double sums match", () => {
    const batch = recordBatch(schemaOf([T.field('x', T.double)]), 8, [valuesVector(new Array(8).fill(0.1))]);
    const slices = sparkSlices(batch, 2);
    expect(slices.map((s) => s.numRows)).toEqual([4, 4]);
    expect(aggregate('sum', slices.map((s) => [...((s.columns[0] as unknown as { values: number[] }).values)]))).toBe(0.8);
    expect(sparkSlices(batch, 3).map((s) => s.numRows)).toEqual([2, 3, 3]);
    expect(sparkSlices(batch, 100)).toHaveLength(8);
  });

  it('deep nesting is FAILED_TO_PARSE_TOO_COMPLEX, not a stack overflow', () => {
    const deep = (n: number): string => 'SELECT ' + '('.repeat(n) + '1' + ')'.repeat(n);
    expect(() => parseSql(deep(100))).not.toThrow();
    for (const text of [deep(20_000), 'SELECT ' + 'NOT '.repeat(20_000) + 'true', 'SELECT ' + '- '.repeat(20_000) + '1']) {
      let caught: unknown;
      try {
        parseSql(text);
      } catch (e) {
        caught = e;
      }
      expect((caught as { errorClass?: string }).errorClass).toBe('FAILED_TO_PARSE_TOO_COMPLEX');
    }
    expect(() => parseExpression('('.repeat(20_000) + 'a' + ')'.repeat(20_000))).toThrow(/too complex to parse/);
  });

  it('SQL forms: EXTRACT, timestampadd units, interval arithmetic, lambdas', () => {
    expect(parseExpression('EXTRACT(HOUR FROM ts)')).toMatchObject({ kind: 'call', name: 'extract', args: [{ value: 'HOUR' }, { name: 'ts' }] });
    expect(parseExpression('timestampadd(MINUTE, 5, ts)')).toMatchObject({ kind: 'call', name: 'timestampadd', args: [{ value: 'MINUTE' }, { value: 5 }, { name: 'ts' }] });
    expect(parseExpression('dateadd(DAY, 1, ts)')).toMatchObject({ name: 'timestampadd' });
    const minus = parseExpression("ts - INTERVAL 30 MINUTES") as unknown as { name: string; args: { value?: unknown }[] };
    expect([minus.name, ...minus.args.slice(1, 3).map((a) => a.value)]).toEqual(['interval_add', "INTERVAL '30' MINUTE", '-']);
    expect(parseExpression("exists(arr, x -> x = 'a')")).toMatchObject({ name: 'exists', args: [{ kind: 'column' }, { kind: 'lambda', params: ['x'] }] });
  });

  it('Arrow batches keep same-named columns apart (SELECT n, CAST(n AS DOUBLE))', () => {
    const batch = recordBatch(schemaOf([T.field('n', T.integer), T.field('n', T.double)]), 2, [valuesVector([1, 2]), valuesVector([1.5, 2.5])]);
    const back = decodeArrowIpc(encodeArrowBatch(batch, 'UTC'));
    expect(back.schema.fields.map((f) => [f.name, f.type.kind])).toEqual([
      ['n', 'integer'],
      ['n', 'double'],
    ]);
    expect(back.columns.map((c) => (c.kind === 'const' ? c.value : [...c.values]))).toEqual([
      [1, 2],
      [1.5, 2.5],
    ]);
  });
});
