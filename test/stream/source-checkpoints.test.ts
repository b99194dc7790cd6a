import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { batchToRows } from '../../engine/batch/record-batch.js';
import type { LogicalPlan } from '../../engine/plan/logical-plan.js';
import { ManualClock } from '../../engine/util/clock.js';
import type { StreamingQuery } from '../../master/streaming/streaming-query.js';
import { localRuntime, type LocalRuntime } from '../support/local-runtime.js';
import { AdvanceManualClock, AssertOnQuery, CheckLastBatch, Execute, StartStream, StopStream, testStream } from './stream-test.js';

/**
 * The sources' own checkpoint entries follow Spark's layout: the rate source's start time is
 * `sources/0/0` (`v1\n<ms>`), the file source's log is `sources/0/<n>` (`v1`, then one
 * `{"path","timestamp","batchId"}` per line), compacted into `<n>.compact` every
 * `spark.sql.streaming.fileSource.log.compactInterval` batches.
 */
describe('source checkpoint layout (file checkpoints)', () => {
  let env: LocalRuntime | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  const read = (format: string, options: Record<string, string>, paths: string[] = []): LogicalPlan => ({
    kind: 'read',
    source: { type: 'dataSource', format, options, paths },
    isStreaming: true,
  });

  /** Moves a file into `dir` atomically, with its modification time set to `mtimeSec`. */
  function put(dir: string, name: string, lines: string[], mtimeSec: number): string {
    const staging = join(dir, '..', `staging-${name}`);
    writeFileSync(staging, lines.map((l) => `${l}\n`).join(''));
    utimesSync(staging, mtimeSec, mtimeSec);
    const target = join(dir, name);
    renameSync(staging, target);
    return target;
  }
  const logEntry = (path: string, timestamp: number, batchId: number): string =>
    JSON.stringify({ path: pathToFileURL(path).href, timestamp, batchId });

  async function startText(e: LocalRuntime, name: string, dir: string, trigger: 'default' | 'once' | 'availableNow', options: Record<string, string> = {}): Promise<StreamingQuery> {
    return e.session.startStream({
      input: read('text', options, [dir]),
      format: 'memory',
      options: { checkpointLocation: join(e.dir, `${name}-cp`), '_kindling.test.recoverMemorySink': 'true' },
      outputMode: 'append',
      queryName: name,
      trigger: { kind: trigger },
    });
  }
  const table = (e: LocalRuntime, name: string): unknown[] => {
    const sink = e.session.catalog.memorySink(name);
    if (!sink) throw new Error(`no memory table ${name}`);
    return batchToRows(sink.snapshot()).map((r) => r[0]);
  };

  it('text: sources/0/<n> entries as Spark writes them, compacted every 3 batches, read back on restart', async () => {
    env = localRuntime({ conf: { 'spark.sql.shuffle.partitions': '2', 'spark.sql.streaming.fileSource.log.compactInterval': '3' } });
    const dir = join(env.dir, 'in');
    mkdirSync(dir);
    const cp = join(env.dir, 'files-cp');
    const src = join(cp, 'sources', '0');
    const a = put(dir, 'a.txt', ['a1', 'a2'], 100);
    let q = await startText(env, 'files', dir, 'default', { maxFilesPerTrigger: '1' });
    await q.processAllAvailable();
    expect(readFileSync(join(src, '0'), 'utf8')).toBe(`v1\n${logEntry(a, 100_000, 0)}`);
    expect(readFileSync(join(cp, 'offsets', '0'), 'utf8').split('\n')[2]).toBe('{"logOffset":0}');

    const b = put(dir, 'b.txt', ['b1'], 200);
    const c = put(dir, 'c.txt', ['c1'], 300);
    await q.processAllAvailable();
    expect(table(env, 'files')).toEqual(['a1', 'a2', 'b1', 'c1']);
    expect(readdirSync(src).sort()).toEqual(['0', '1', '2.compact']);
    expect(readFileSync(join(src, '1'), 'utf8')).toBe(`v1\n${logEntry(b, 200_000, 1)}`);
    expect(readFileSync(join(src, '2.compact'), 'utf8')).toBe(
      ['v1', logEntry(a, 100_000, 0), logEntry(b, 200_000, 1), logEntry(c, 300_000, 2)].join('\n'),
    );
    await q.stop();

    // Restart: the files in the log are not read again; new ones continue the log.
    const d = put(dir, 'd.txt', ['d1'], 400);
    q = await startText(env, 'files', dir, 'default', { maxFilesPerTrigger: '1' });
    await q.processAllAvailable();
    expect(table(env, 'files')).toEqual(['d1']);
    expect(readFileSync(join(src, '3'), 'utf8')).toBe(`v1\n${logEntry(d, 400_000, 3)}`);
    expect(q.recentProgress().filter((p) => p.numInputRows > 0).map((p) => [p.batchId, p.sources[0]?.endOffset])).toEqual([
      [3, { logOffset: 3 }],
    ]);
    put(dir, 'e.txt', ['e1'], 500);
    put(dir, 'f.txt', ['f1'], 600);
    await q.processAllAvailable();
    expect(table(env, 'files')).toEqual(['d1', 'e1', 'f1']);
    expect(readdirSync(src).sort()).toEqual(['0', '1', '2.compact', '3', '4', '5.compact']);
    expect(existsSync(join(src, 'fileLog'))).toBe(false);
    await q.stop();
  });

  it('text with maxFilesPerTrigger: availableNow takes what was there at start in several batches, then stops; once takes it all in one', async () => {
    env = localRuntime({ conf: { 'spark.sql.shuffle.partitions': '2' } });
    const dir = join(env.dir, 'in');
    mkdirSync(dir);
    for (const [i, n] of ['a', 'b', 'c'].entries()) put(dir, `${n}.txt`, [`${n}1`], 100 + i);
    const q = await startText(env, 'avail', dir, 'availableNow', { maxFilesPerTrigger: '1' });
    // A file arriving while the query runs waits for the next run (Spark's prepareForTriggerAvailableNow).
    const sink = env.session.catalog.memorySink('avail');
    if (!sink) throw new Error('no sink');
    const addBatch = sink.addBatch.bind(sink);
    sink.addBatch = (batchId, batch) => {
      if (batchId === 0) put(dir, 'late.txt', ['late1'], 50);
      return addBatch(batchId, batch);
    };
    expect(await q.awaitTermination(30_000)).toBe(true);
    expect(table(env, 'avail')).toEqual(['a1', 'b1', 'c1']);
    expect(q.recentProgress().filter((p) => p.durationMs['addBatch'] !== undefined).map((p) => [p.batchId, p.numInputRows])).toEqual([
      [0, 1],
      [1, 1],
      [2, 1],
    ]);
    const next = await startText(env, 'avail', dir, 'availableNow', { maxFilesPerTrigger: '1' });
    expect(await next.awaitTermination(30_000)).toBe(true);
    expect(table(env, 'avail')).toEqual(['late1']);

    for (const [i, n] of ['x', 'y', 'z'].entries()) put(dir, `${n}.txt`, [`${n}1`], 200 + i);
    const once = await startText(env, 'avail', dir, 'once', { maxFilesPerTrigger: '1' });
    expect(await once.awaitTermination(30_000)).toBe(true);
    expect(table(env, 'avail')).toEqual(['x1', 'y1', 'z1']);
    expect(once.recentProgress().map((p) => [p.batchId, p.numInputRows])).toEqual([[4, 3]]);
  });

  it('rate: sources/0/0 holds v1 and the start time; a restart continues the same timeline', async () => {
    const clock = new ManualClock(5000);
    env = localRuntime({ clock, conf: { 'spark.sql.shuffle.partitions': '2' } });
    const e = env;
    const msValue = (r: unknown[]): unknown[] => [(r[0] as number) / 1000, r[1]];
    await testStream(
      e,
      read('rate', { rowsPerSecond: '2', numPartitions: '1' }),
      { outputMode: 'append', clock, trigger: { kind: 'processingTime', interval: '1 second' }, project: msValue },
      [
        StartStream(),
        Execute(({ query }) => {
          expect(readFileSync(join(e.dir, query?.name ?? '', 'sources', '0', '0'), 'utf8')).toBe('v1\n5000');
        }),
        AdvanceManualClock(1000),
        CheckLastBatch([5000, 0], [5500, 1]),
        StopStream,
        Execute(() => clock.advance(2000)),
        StartStream(),
        // Seconds 1..3 of the timeline that started at 5 s: values 2..5, stamped from 6 s on.
        CheckLastBatch([6000, 2], [6500, 3], [7000, 4], [7500, 5]),
        AssertOnQuery('offsets are whole seconds since the stored start', (q) => {
          expect(q.lastProgress()?.sources[0]).toMatchObject({ startOffset: 1, endOffset: 3, numInputRows: 4 });
        }),
      ],
    );
  });
});
