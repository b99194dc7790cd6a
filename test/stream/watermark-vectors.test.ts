// Over 400 lines because: it holds the watermark semantics vectors, one table of cases with their runner; splitting the table would scatter one idea.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExecutionError } from '../../engine/errors/errors.js';
import { E } from '../../engine/expr/expr.js';
import type { LogicalPlan } from '../../engine/plan/logical-plan.js';
import { T } from '../../engine/types/data-type.js';
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
  Execute,
  ExpectFailure,
  ProcessAllAvailable,
  StartStream,
  StopStream,
  testStream,
  type StreamAction,
} from './stream-test.js';
import type { StreamingQuery } from '../../master/streaming/streaming-query.js';
import { eventually } from '../support/eventually.js';

function lastWithData(q: StreamingQuery) {
  const withData = q.recentProgress().filter((p) => p.numInputRows > 0);
  const p = withData[withData.length - 1];
  if (!p) throw new Error('no progress with input');
  return p;
}
const stateRows = (n: number) =>
  AssertOnQuery(`state rows = ${n}`, (q) => expect(q.lastProgress()?.stateOperators[0]?.numRowsTotal).toBe(n));
/** A progress `eventTime` value: epoch seconds as Spark prints them. */
const iso = (seconds: number): string => new Date(seconds * 1000).toISOString();
const eventStats = (min: number, max: number, avg: number, watermark: number) =>
  AssertOnQuery(`eventTime min ${min} max ${max} avg ${avg} watermark ${watermark}`, (q) =>
    expect(lastWithData(q).eventTime).toEqual({ avg: iso(avg), max: iso(max), min: iso(min), watermark: iso(watermark) }),
  );
const usedWatermark = (seconds: number) =>
  AssertOnQuery(`batch ran with watermark ${seconds}`, (q) => expect(q.lastProgress()?.eventTime['watermark']).toBe(iso(seconds)));
/**
 * Makes the running query's memory sink fail once when batch `batchId` reaches it: the batch's
 * offsets are logged (and its state written), its commit is not, as after a crash mid-batch.
 */
function failSinkAt(env: LocalRuntime, batchId: number, onName: (queryName: string) => void): StreamAction {
  return Execute(({ query }) => {
    const name = query?.name;
    const sink = name ? env.session.catalog.memorySink(name) : undefined;
    if (!name || !sink) throw new Error('no running query with a memory sink');
    onName(name);
    const addBatch = sink.addBatch.bind(sink);
    let failed = false;
    sink.addBatch = (id, batch) => {
      if (id !== batchId || failed) return addBatch(id, batch);
      failed = true;
      return Promise.reject(new ExecutionError('injected sink failure', { retryable: false }));
    };
  });
}
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

  it('V5 progress eventTime: the batch\'s min/max/avg and the watermark it ran with; no-data and idle progress carry only the watermark', async () => {
    const input = intStream();
    await testStream(env, windowedCount(input), { outputMode: 'append' }, [
      AddData(input, 15),
      CheckAnswer(),
      eventStats(15, 15, 15, 0),
      AddData(input, 10, 12, 14),
      CheckAnswer(),
      eventStats(10, 14, 12, 5),
      AddData(input, 25),
      CheckAnswer([10, 3]),
      eventStats(25, 25, 25, 5),
      AssertOnQuery('the no-data batch that emitted (10,3) ran at W=15 and saw no event times', (q) => {
        const noData = q.recentProgress().filter((p) => p.numInputRows === 0 && p.durationMs['addBatch'] !== undefined);
        expect(noData.at(-1)?.eventTime).toEqual({ watermark: iso(15) });
        expect(noData.at(-1)?.sink.numOutputRows).toBe(1);
      }),
      AssertOnQuery('progress without input never has min/max/avg', (q) => {
        for (const p of q.recentProgress().filter((x) => x.numInputRows === 0)) expect(Object.keys(p.eventTime)).toEqual(['watermark']);
      }),
    ]);
  });

  it('V5 without withWatermark (complete mode): eventTime stays empty', async () => {
    const input = intStream();
    const withTime = Q.withColumn(Q.read(input), 'eventTime', E.call('timestamp_seconds', [E.col('value')]));
    const plan = Q.select(
      Q.groupBy(withTime, [Q.window('eventTime', '5 seconds')], [Q.count()]),
      E.alias(E.cast(E.col('window.start'), T.long), 'start'),
      E.col('count'),
    );
    await testStream(env, plan, { outputMode: 'complete' }, [
      AddData(input, 15),
      CheckLastBatch([15, 1]),
      AddData(input, 10, 12, 14),
      CheckLastBatch([10, 3], [15, 1]),
      AssertOnQuery('no eventTime block at all', (q) => {
        expect(q.recentProgress().length).toBeGreaterThan(0);
        for (const p of q.recentProgress()) expect(p.eventTime).toEqual({});
      }),
    ]);
  });

  it('V6 Trigger.Once, restarted for each step: one batch per start, no no-data batches', async () => {
    const input = intStream();
    const once = (values: number[], expected: number[][], watermark: number): StreamAction[] => [
      AddData(input, ...values),
      StartStream({ kind: 'once' }),
      CheckNewAnswer(...expected),
      usedWatermark(watermark),
      AssertOnQuery('the query stopped by itself after one batch', (q) => {
        expect(q.isActive).toBe(false);
        expect(q.recentProgress().map((p) => p.numInputRows)).toEqual([values.length]);
      }),
      StopStream,
    ];
    await testStream(env, windowedCount(input), { outputMode: 'append' }, [
      ...once([15], [], 0),
      ...once([10, 12, 14], [], 5),
      ...once([25], [], 5),
      ...once([50], [[10, 3]], 15),
      ...once([50], [[15, 1], [25, 1]], 40),
    ]);
  });

  it('V6 Trigger.AvailableNow, restarted for each step: runs the trailing no-data batch before stopping (one step earlier than Once)', async () => {
    const input = intStream();
    const step = (trigger: 'once' | 'availableNow', values: number[], expected: number[][], batches: number): StreamAction[] => [
      AddData(input, ...values),
      StartStream({ kind: trigger }),
      CheckNewAnswer(...expected),
      AssertOnQuery(`${batches} batch(es) ran, then the query stopped`, (q) => {
        expect(q.isActive).toBe(false);
        expect(q.recentProgress().filter((p) => p.durationMs['addBatch'] !== undefined)).toHaveLength(batches);
      }),
      StopStream,
    ];
    await testStream(env, windowedCount(input), { outputMode: 'append' }, [
      // A checkpoint that processed 15 and 10,12,14 (watermark 5), as in Spark's test.
      ...step('once', [15], [], 1),
      ...step('once', [10, 12, 14], [], 1),
      ...step('availableNow', [25], [[10, 3]], 2),
      ...step('availableNow', [50], [[15, 1], [25, 1]], 2),
      ...step('availableNow', [50], [], 1),
    ]);
  });

  it('V10 state metrics: numRowsUpdated / numRowsTotal and sink rows (update and complete)', async () => {
    // Spark's "state metrics - update/complete": flatMap(x => Seq(x, x + 1)).groupBy(value).count().
    const plusNext = (s: ReturnType<typeof intStream>): LogicalPlan =>
      Q.groupBy(
        Q.select(
          Q.read(s),
          E.alias(E.call('explode', [E.call('array', [E.col('value'), E.call('+', [E.col('value'), E.lit(1, T.integer)])])]), 'value'),
        ),
        [E.col('value')],
        [Q.count()],
      );
    const metrics = (output: number, updated: number, total: number) =>
      AssertOnQuery(`output ${output}, updated ${updated}, total ${total}`, (q) => {
        const p = lastWithData(q);
        expect([p.sink.numOutputRows, p.stateOperators[0]?.numRowsUpdated, p.stateOperators[0]?.numRowsTotal]).toEqual([output, updated, total]);
      });
    const update = intStream();
    await testStream(env, plusNext(update), { outputMode: 'update' }, [
      AddData(update, 1),
      CheckLastBatch([1, 1], [2, 1]),
      metrics(2, 2, 2),
      AddData(update, 2, 3),
      CheckLastBatch([2, 2], [3, 2], [4, 1]),
      metrics(3, 3, 4),
    ]);
    const complete = intStream();
    await testStream(env, plusNext(complete), { outputMode: 'complete' }, [
      AddData(complete, 1),
      CheckLastBatch([1, 1], [2, 1]),
      metrics(2, 2, 2),
      AddData(complete, 2, 3),
      CheckLastBatch([1, 1], [2, 2], [3, 2], [4, 1]),
      metrics(4, 3, 4),
    ]);
  });

  it('V10 mid-batch failure (file checkpoint): the batch with offsets but no commit re-runs with its logged offsets and timestamp; counts stay exact', async () => {
    const input = intStream();
    const counts = Q.groupBy(Q.read(input), [E.col('value')], [Q.count()]);
    const checkpoint = (q: { name: string | null } | undefined): string => join(env.dir, q?.name ?? '');
    let name = '';
    let logged = '';
    await testStream(env, counts, { outputMode: 'update' }, [
      AddData(input, 1),
      CheckLastBatch([1, 1]),
      failSinkAt(env, 1, (n) => (name = n)),
      AddData(input, 1, 2, 3, 4),
      ExpectFailure('injected sink failure'),
      Execute(({ lastBatch }) => {
        expect(lastBatch).toEqual([[1, 1]]);
        const dir = join(env.dir, name);
        expect(existsSync(join(dir, 'offsets', '1'))).toBe(true);
        expect(existsSync(join(dir, 'commits', '1'))).toBe(false);
        logged = readFileSync(join(dir, 'offsets', '1'), 'utf8');
      }),
      StartStream(),
      CheckLastBatch([1, 2], [2, 1], [3, 1], [4, 1]),
      AssertOnQuery('batch 1 ran again, from its logged offsets, and was committed', (q) => {
        const first = q.recentProgress()[0];
        expect([first?.batchId, first?.numInputRows, first?.sources[0]?.startOffset, first?.sources[0]?.endOffset]).toEqual([1, 4, 0, 1]);
        expect(readFileSync(join(checkpoint(q), 'offsets', '1'), 'utf8')).toBe(logged);
        expect(existsSync(join(checkpoint(q), 'commits', '1'))).toBe(true);
      }),
      AddData(input, 4),
      CheckLastBatch([4, 2]),
      StopStream,
      StartStream(),
      AddData(input, 1),
      CheckLastBatch([1, 3]),
    ]);

    // A stateless query sees the logged batch timestamp: current_timestamp() of the re-run is that of offsets/1.
    const events = intStream();
    const stamped = Q.select(Q.read(events), E.col('value'), E.alias(E.call('current_timestamp', []), 'ts'));
    let loggedTs = 0;
    await testStream(env, stamped, { outputMode: 'append' }, [
      AddData(events, 1),
      StartStream(),
      ProcessAllAvailable,
      failSinkAt(env, 1, (n) => (name = n)),
      AddData(events, 2, 3),
      ExpectFailure('injected sink failure'),
      Execute(async () => {
        loggedTs = (JSON.parse(readFileSync(join(env.dir, name, 'offsets', '1'), 'utf8').split('\n')[1] as string) as { batchTimestampMs: number }).batchTimestampMs;
        // Let the wall clock move past the logged timestamp: a re-planned batch would get a later one.
        await eventually(() => Date.now() > loggedTs, { intervalMs: 1, message: 'the wall clock to pass the logged batch timestamp' });
      }),
      StartStream(),
      ProcessAllAvailable,
      Execute(({ lastBatch }) => expect(lastBatch).toEqual([[2, loggedTs * 1000], [3, loggedTs * 1000]])),
    ]);
  });

  it('V9 multiple watermarks need a union of streams: Kindling rejects it at start with a clear error', async () => {
    const withTime = (s: ReturnType<typeof intStream>, delay: string): LogicalPlan =>
      Q.withWatermark(Q.withColumn(Q.read(s), 'eventTime', E.call('timestamp_seconds', [E.col('value')])), 'eventTime', delay);
    const union: LogicalPlan = { kind: 'union', inputs: [withTime(intStream(), '10 seconds'), withTime(intStream(), '15 seconds')], byName: false, allowMissingColumns: false };
    for (const policy of ['min', 'max']) {
      env.session.conf.set('spark.sql.streaming.multipleWatermarkPolicy', policy);
      await expect(
        env.session.startStream({
          input: Q.select(union, E.alias(E.cast(E.col('eventTime'), T.long), 'eventTime')),
          format: 'memory',
          options: {},
          outputMode: 'append',
          queryName: `v9_${policy}`,
          trigger: { kind: 'default' },
        }),
      ).rejects.toThrow(/^union\(\) of streaming DataFrames is not supported by Kindling yet: a streaming query reads exactly one streaming source/);
    }
    expect(env.session.streams.activeQueries()).toEqual([]);
  });
});
