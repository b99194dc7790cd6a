import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../engine/util/clock.js';
import { progressObject } from '../../master/streaming/progress.js';
import type { StreamingQuery } from '../../master/streaming/streaming-query.js';
import { localRuntime, type LocalRuntime } from '../support/local-runtime.js';
import { intStream, windowedCount } from './queries.js';
import { AddData, AdvanceManualClock, AssertOnQuery, StartStream, StopStream, testStream, type StreamAction } from './stream-test.js';

/**
 * Spark's ProgressReporter.updateIdleness (Spark 4.x): a trigger that runs no batch records a
 * progress when `spark.sql.streaming.noDataProgressEventInterval` (10 s) has passed since the last
 * progress of any kind. The "last" time starts at Long.MinValue for every run, so the first idle
 * trigger reports at once, also before any batch ran; it then carries no execution stats (no
 * stateOperators, no eventTime, sink rows -1) and names the batch that would run next.
 */
describe('idle progress with a manual clock', () => {
  let env: LocalRuntime | undefined;
  afterEach(async () => {
    await env?.close();
  });

  const iso = (ms: number): string => new Date(ms).toISOString();
  const advance = (seconds: number): StreamAction[] => Array.from({ length: seconds }, () => AdvanceManualClock(1000));
  const count = (n: number) => AssertOnQuery(`${n} progress updates`, (q) => expect(q.recentProgress()).toHaveLength(n));
  const last = (q: StreamingQuery) => progressObject(q.lastProgress() ?? (undefined as never));

  it('reports batch 0 at the first idle trigger of a fresh query, then every interval; after a batch, from its end', async () => {
    const clock = new ManualClock(0);
    env = localRuntime({ clock, conf: { 'spark.sql.shuffle.partitions': '4' } });
    const input = intStream();
    await testStream(env, windowedCount(input), { outputMode: 'append', clock, trigger: { kind: 'processingTime', interval: '1 second' } }, [
      StartStream(),
      count(1),
      AssertOnQuery('the idle progress before any batch: batch 0, no execution stats', (q) => {
        expect(last(q)).toEqual({
          id: q.id,
          runId: q.runId,
          name: q.name,
          timestamp: iso(0),
          batchId: 0,
          batchDuration: 0,
          numInputRows: 0,
          inputRowsPerSecond: 0,
          processedRowsPerSecond: 0,
          durationMs: { latestOffset: expect.any(Number) as number, triggerExecution: 0 },
          stateOperators: [],
          sources: [
            {
              description: 'MemoryStream[value]',
              startOffset: null,
              endOffset: null,
              latestOffset: null,
              numInputRows: 0,
              inputRowsPerSecond: 0,
              processedRowsPerSecond: 0,
            },
          ],
          sink: { description: 'MemorySink', numOutputRows: -1 },
        });
        expect(q.explain(false)).toBe('No physical plan. Waiting for data.');
      }),
      // Idle triggers at 1 s .. 9 s: within the interval of the first report.
      ...advance(9),
      count(1),
      AdvanceManualClock(1000),
      count(2),
      AssertOnQuery('the next idle report, 10 s later, still for batch 0', (q) => {
        expect([last(q)['batchId'], last(q)['timestamp'], last(q)['stateOperators'], last(q)['eventTime']]).toEqual([0, iso(10_000), [], undefined]);
      }),
      AddData(input, 15),
      AdvanceManualClock(1000),
      // t = 11 s: batch 0 with the row; t = 12 s: the no-data batch 1 (watermark 5 s).
      AdvanceManualClock(1000),
      count(4),
      AssertOnQuery('executed batches 0 and 1', (q) => {
        expect(q.recentProgress().slice(2).map((p) => [p.batchId, p.numInputRows, p.timestamp])).toEqual([
          [0, 1, iso(11_000)],
          [1, 0, iso(12_000)],
        ]);
        expect(q.explain(false)).toContain('MicroBatchWrite[epoch: 1,');
      }),
      // Idle from 13 s; the interval counts from the last batch (12 s), so the next report is at 22 s.
      ...advance(9),
      count(4),
      AdvanceManualClock(1000),
      count(5),
      AssertOnQuery('idle after batches: the next batch id, the last batch\'s state operators with no updates, the watermark only', (q) => {
        const p = last(q);
        expect([p['batchId'], p['timestamp'], p['numInputRows'], p['eventTime']]).toEqual([2, iso(22_000), 0, { watermark: iso(5000) }]);
        expect(p['stateOperators']).toMatchObject([{ operatorName: 'stateStoreSave', numRowsTotal: 1, numRowsUpdated: 0, numRowsDroppedByWatermark: 0 }]);
        expect(p['sink']).toEqual({ description: 'MemorySink', numOutputRows: 0 });
        expect(p['sources']).toMatchObject([{ startOffset: 0, endOffset: 0, latestOffset: 0, numInputRows: 0 }]);
      }),
      // A restart is a new run: its first idle trigger reports at once, without execution stats.
      StopStream,
      StartStream(),
      count(1),
      AssertOnQuery('the first idle report of the new run', (q) => {
        const p = last(q);
        expect([p['batchId'], p['timestamp'], p['stateOperators'], p['eventTime'], p['sink']]).toEqual([
          2,
          iso(22_000),
          [],
          undefined,
          { description: 'MemorySink', numOutputRows: -1 },
        ]);
        expect(p['sources']).toMatchObject([{ startOffset: 0, endOffset: 0, latestOffset: 0 }]);
        expect(q.explain(false)).toBe('No physical plan. Waiting for data.');
      }),
    ]);
  });
});
