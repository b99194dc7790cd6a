import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { E } from '../../engine/expr/expr.js';
import type { LogicalPlan } from '../../engine/plan/logical-plan.js';
import { T } from '../../engine/types/data-type.js';
import { localRuntime, type LocalRuntime } from '../support/local-runtime.js';
import { Q, intStream } from './queries.js';
import { AddData, CheckLastBatch, Execute, ProcessAllAvailable, StartStream, StopStream, testStream } from './stream-test.js';

/**
 * Complete mode: the driver keeps the whole result and merges each batch's updated rows into it,
 * so what follows the aggregation must still see every key, every batch.
 */
describe('complete mode over the driver-kept result', () => {
  let env: LocalRuntime;
  beforeEach(() => {
    env = localRuntime({ conf: { 'spark.sql.shuffle.partitions': '4' } });
  });
  afterEach(async () => {
    await env.close();
  });

  const rare = (s: ReturnType<typeof intStream>): LogicalPlan => ({
    kind: 'filter',
    input: Q.groupBy(Q.read(s), [E.col('value')], [Q.count()]),
    condition: E.call('<=', [E.col('count'), E.lit(2, T.integer)]),
  });

  it('a filter after the aggregation sees keys the batch did not update, and drops keys that stop passing', async () => {
    const input = intStream();
    await testStream(env, rare(input), { outputMode: 'complete' }, [
      AddData(input, 1, 2),
      CheckLastBatch([1, 1], [2, 1]),
      AddData(input, 1, 1),
      CheckLastBatch([2, 1]),
      AddData(input, 3),
      CheckLastBatch([2, 1], [3, 1]),
      // A restart rebuilds the result from all state rows, then merges updates again.
      StopStream,
      StartStream(),
      AddData(input, 2, 4),
      CheckLastBatch([2, 2], [3, 1], [4, 1]),
      AddData(input, 5),
      CheckLastBatch([2, 2], [3, 1], [4, 1], [5, 1]),
    ]);
  });

  it('a sort over the result places NULL keys as Spark does: DESC → last, ASC → first, explicit NULLS honoured', async () => {
    const sorted = (s: ReturnType<typeof intStream>, ascending: boolean, nullsFirst?: boolean): LogicalPlan => ({
      kind: 'sort',
      input: Q.groupBy(Q.read(s), [E.col('value')], [Q.count()]),
      order: [E.sortOrder(E.col('value'), ascending, nullsFirst)],
      isGlobal: true,
    });
    const cases: [boolean, boolean | undefined, unknown[][]][] = [
      [false, undefined, [[3, 1], [1, 2], [null, 2]]],
      [true, undefined, [[null, 2], [1, 2], [3, 1]]],
      [false, true, [[null, 2], [3, 1], [1, 2]]],
      [true, false, [[1, 2], [3, 1], [null, 2]]],
    ];
    for (const [ascending, nullsFirst, expected] of cases) {
      const input = intStream();
      await testStream(env, sorted(input, ascending, nullsFirst), { outputMode: 'complete' }, [
        AddData(input, 1, null, 3, 1, null),
        ProcessAllAvailable,
        Execute(({ lastBatch }) => {
          expect(lastBatch).toEqual(expected);
        }),
      ]);
    }
  });

  it('keeps rows the batch did not touch, with their last values, across many batches', async () => {
    const input = intStream();
    const counts = Q.groupBy(Q.read(input), [E.col('value')], [Q.count()]);
    const expected = new Map<number, number>();
    const actions = [];
    for (let b = 0; b < 12; b++) {
      const values = Array.from({ length: 1 + (b % 4) }, (_, i) => (b * 7 + i * 3) % 10);
      for (const v of values) expected.set(v, (expected.get(v) ?? 0) + 1);
      actions.push(AddData(input, ...values), CheckLastBatch(...[...expected].map(([v, n]) => [v, n])));
      if (b === 5) actions.push(StopStream, StartStream());
    }
    await testStream(env, counts, { outputMode: 'complete' }, actions);
  });
});
