import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { E } from '../../engine/expr/expr.js';
import { ManualClock } from '../../engine/util/clock.js';
import { localRuntime, type LocalRuntime } from '../support/local-runtime.js';
import { Q, intStream, windowedCount } from './queries.js';
import {
  AddData,
  AdvanceManualClock,
  AssertOnQuery,
  CheckAnswer,
  CheckLastBatch,
  CheckNewAnswer,
  StartStream,
  StopStream,
  testStream,
} from './stream-test.js';
import type { StreamingQuery } from '../../master/streaming/streaming-query.js';

function lastWithData(q: StreamingQuery) {
  const withData = q.recentProgress().filter((p) => p.numInputRows > 0);
  const p = withData[withData.length - 1];
  if (!p) throw new Error('no progress with input');
  return p;
}
const stateRows = (n: number) =>
  AssertOnQuery(`state rows = ${n}`, (q) => expect(q.lastProgress()?.stateOperators[0]?.numRowsTotal).toBe(n));
const dropped = (n: number) =>
  AssertOnQuery(`dropped by watermark = ${n}`, (q) =>
    expect(lastWithData(q).stateOperators[0]?.numRowsDroppedByWatermark).toBe(n),
  );

describe('streaming-semantics §9 vectors', () => {
  let env: LocalRuntime;
  beforeEach(() => {
    env = localRuntime({ conf: { 'spark.sql.shuffle.partitions': '10' } });
  });
  afterEach(async () => {
    await env.close();
  });

  it('V1 append: a window is emitted once, after the watermark passes its end; late rows are dropped', async () => {
    const input = intStream();
    await testStream(env, windowedCount(input), { outputMode: 'append' }, [
      AddData(input, 10, 11, 12, 13, 14, 15),
      CheckNewAnswer(),
      AddData(input, 25),
      CheckNewAnswer([10, 5]),
      stateRows(2),
      dropped(0),
      AddData(input, 10),
      CheckNewAnswer(),
      stateRows(2),
      dropped(1),
    ]);
  });

  it('V2 update: updated windows each batch, silent eviction, late rows dropped', async () => {
    const input = intStream();
    await testStream(env, windowedCount(input), { outputMode: 'update' }, [
      AddData(input, 10, 11, 12, 13, 14, 15),
      CheckNewAnswer([10, 5], [15, 1]),
      AddData(input, 25),
      CheckNewAnswer([25, 1]),
      stateRows(2),
      AddData(input, 10, 25),
      CheckNewAnswer([25, 2]),
      stateRows(2),
      dropped(1),
      AddData(input, 10),
      CheckNewAnswer(),
      dropped(1),
    ]);
  });

  it('V3 complete: every window every batch, no eviction, no drops', async () => {
    const input = intStream();
    await testStream(env, windowedCount(input), { outputMode: 'complete' }, [
      AddData(input, 10, 11, 12),
      CheckLastBatch([10, 3]),
      AddData(input, 25),
      CheckLastBatch([10, 3], [25, 1]),
      AddData(input, 25),
      CheckLastBatch([10, 3], [25, 2]),
      AddData(input, 10),
      CheckLastBatch([10, 4], [25, 2]),
      AddData(input, 25),
      CheckLastBatch([10, 4], [25, 3]),
    ]);
  });

  it('V4 group by the raw event time', async () => {
    const input = intStream();
    const withTime = Q.withColumn(Q.read(input), 'eventTime', E.call('timestamp_seconds', [E.col('value')]));
    const plan = Q.select(
      Q.groupBy(Q.withWatermark(withTime, 'eventTime', '10 seconds'), [E.col('eventTime')], [Q.count()]),
      E.alias(E.cast(E.col('eventTime'), 'long'), 'eventTime'),
      E.col('count'),
    );
    await testStream(env, plan, { outputMode: 'append' }, [
      AddData(input, 10),
      CheckNewAnswer(),
      AddData(input, 25),
      CheckNewAnswer([10, 1]),
    ]);
  });

  it('V7 state metrics with a processing-time trigger and a manual clock', async () => {
    const clock = new ManualClock(0);
    await env.close();
    env = localRuntime({ clock, conf: { 'spark.sql.shuffle.partitions': '10' } });
    const input = intStream();
    const updated = (n: number, total: number) =>
      AssertOnQuery(`updated ${n}, total ${total}`, (q) => {
        const s = q.lastProgress()?.stateOperators[0];
        expect([s?.numRowsUpdated, s?.numRowsTotal]).toEqual([n, total]);
      });
    await testStream(
      env,
      windowedCount(input),
      { outputMode: 'append', clock, trigger: { kind: 'processingTime', interval: '1 second' } },
      [
        StartStream(),
        AddData(input, 15),
        AdvanceManualClock(1000),
        CheckNewAnswer(),
        updated(1, 1),
        AdvanceManualClock(1000),
        CheckNewAnswer(),
        updated(0, 1),
        AddData(input, 10, 12, 14),
        AdvanceManualClock(1000),
        CheckNewAnswer(),
        updated(1, 2),
        AddData(input, 25),
        AdvanceManualClock(1000),
        CheckNewAnswer(),
        updated(1, 3),
        AdvanceManualClock(1000),
        CheckNewAnswer([10, 3]),
        updated(0, 2),
      ],
    );
  });

  it('V8 recovery: restarts continue from the checkpoint with the same watermark', async () => {
    const input = intStream();
    await testStream(env, windowedCount(input), { outputMode: 'append' }, [
      AddData(input, 10, 11, 12, 13, 14, 15),
      CheckNewAnswer(),
      AddData(input, 25),
      CheckNewAnswer([10, 5]),
      StopStream,
      StartStream(),
      AddData(input, 10, 27, 30),
      CheckNewAnswer([15, 1]),
      StopStream,
      StartStream(),
      AddData(input, 17),
      CheckNewAnswer(),
      AddData(input, 40),
      CheckNewAnswer([25, 2]),
    ]);
  });

  it('V10 plain counts without watermark survive a restart (update and complete)', async () => {
    const update = intStream();
    const counts = (s: ReturnType<typeof intStream>) => Q.groupBy(Q.read(s), [E.col('value')], [Q.count()]);
    await testStream(env, counts(update), { outputMode: 'update' }, [
      AddData(update, 3),
      CheckLastBatch([3, 1]),
      AddData(update, 3, 2),
      CheckLastBatch([3, 2], [2, 1]),
      StopStream,
      StartStream(),
      AddData(update, 3, 2, 1),
      CheckLastBatch([3, 3], [2, 2], [1, 1]),
      AddData(update, 4, 4, 4, 4),
      CheckLastBatch([4, 4]),
    ]);
    const complete = intStream();
    await testStream(env, counts(complete), { outputMode: 'complete' }, [
      AddData(complete, 3),
      CheckLastBatch([3, 1]),
      AddData(complete, 2),
      CheckLastBatch([3, 1], [2, 1]),
      StopStream,
      StartStream(),
      AddData(complete, 3, 2, 1),
      CheckLastBatch([3, 2], [2, 2], [1, 1]),
      AddData(complete, 4, 4, 4, 4),
      CheckLastBatch([4, 4], [3, 2], [2, 2], [1, 1]),
    ]);
  });

  it('V10 append without a watermark is rejected at start', async () => {
    const input = intStream();
    await expect(
      env.session.startStream({
        input: Q.groupBy(Q.read(input), [E.col('value')], [Q.count()]),
        format: 'memory',
        options: {},
        outputMode: 'append',
        queryName: 'v10_append',
        trigger: { kind: 'default' },
      }),
    ).rejects.toThrow(/STREAMING_OUTPUT_MODE\.UNSUPPORTED_OPERATION.*append.*not supported/);
  });

  it('V12 sliding windows in update mode, then append', async () => {
    const upd = intStream();
    await testStream(env, windowedCount(upd, '10 seconds', '5 seconds', true), { outputMode: 'update' }, [
      AddData(upd, 12),
      CheckNewAnswer([5, 15, 1], [10, 20, 1]),
      AddData(upd, 3, 17),
      CheckNewAnswer([-5, 5, 1], [0, 10, 1], [10, 20, 2], [15, 25, 1]),
    ]);
    const app = intStream();
    await testStream(env, windowedCount(app, '10 seconds', '5 seconds', true), { outputMode: 'append' }, [
      AddData(app, 12),
      CheckNewAnswer(),
      AddData(app, 3, 17),
      CheckNewAnswer([-5, 5, 1]),
    ]);
  });

  it('CheckAnswer over the whole table in append mode', async () => {
    const input = intStream();
    await testStream(env, windowedCount(input), { outputMode: 'append' }, [
      AddData(input, 10, 11, 25),
      CheckAnswer([10, 2]),
    ]);
  });
});
