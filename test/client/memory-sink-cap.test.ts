import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConnectServer, type ConnectServer } from '../../master/connect/server.js';
import { localRuntime, type LocalRuntime } from '../support/local-runtime.js';
import { SparkSession, StreamingQueryException } from '../../client/index.js';

/** `kindling.memorySink.maxRows` through the TS client: complete mode fails, append mode drops the oldest rows visibly. */
let rt: LocalRuntime;
let server: ConnectServer;
let spark: SparkSession;

beforeAll(async () => {
  rt = localRuntime({ workers: 1, conf: { 'spark.sql.shuffle.partitions': '2' } });
  server = await startConnectServer({ runtime: rt.runtime, host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }) });
  spark = await SparkSession.builder().remote(`sc://127.0.0.1:${server.port}`).appName('memory-sink-cap').getOrCreate();
});

afterAll(async () => {
  await spark?.stop();
  await server?.close();
  await rt?.close();
});

function inputDir(name: string, files: Record<string, readonly string[]>): string {
  const dir = join(rt.dir, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, lines] of Object.entries(files)) writeFileSync(join(dir, file), `${lines.join('\n')}\n`);
  return dir;
}

const keys = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('the memory sink row cap (kindling.memorySink.maxRows)', () => {
  it('complete mode: a result over the cap fails the query with a clear error and loses nothing', async () => {
    const dir = inputDir('complete-in', { 'a.txt': keys('k', 20) });
    const checkpoint = join(rt.dir, 'complete-cp');
    await spark.conf.set('kindling.memorySink.maxRows', '5');
    const counts = () => spark.readStream.text(dir).groupBy('value').count();
    const q = await counts()
      .writeStream.format('memory')
      .queryName('capped_counts')
      .outputMode('complete')
      .option('checkpointLocation', checkpoint)
      .start();

    const thrown = await q.awaitTermination().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(thrown).toBeInstanceOf(StreamingQueryException);
    const expected = [
      'KINDLING_MEMORY_SINK_ROW_LIMIT_EXCEEDED',
      'The memory sink table `capped_counts` would hold 20 rows in complete mode, more than its limit of 5 rows',
      'spark.conf.set("kindling.memorySink.maxRows", ...)',
    ];
    for (const text of expected) expect((thrown as Error).message).toContain(text);

    const exception = await q.exception();
    expect(exception).toBeInstanceOf(StreamingQueryException);
    expect(exception?.errorClass).toBe('STREAM_FAILED');
    for (const text of expected) expect(exception?.message).toContain(text);
    expect(await q.isActive()).toBe(false);
    expect((await q.status()).message).toContain('KINDLING_MEMORY_SINK_ROW_LIMIT_EXCEEDED');
    // No truncated table: the sink kept what it had (nothing yet).
    expect(await spark.sql('SELECT * FROM capped_counts').count()).toBe(0);

    // Nothing is lost: batch 0 was never committed, so a restart with a higher cap re-runs it.
    await spark.conf.set('kindling.memorySink.maxRows', '100');
    const again = await counts()
      .writeStream.format('memory')
      .queryName('capped_counts')
      .outputMode('complete')
      .option('checkpointLocation', checkpoint)
      .start();
    await again.processAllAvailable();
    const rows = await spark.sql('SELECT * FROM capped_counts').collect();
    expect(rows.map((r) => r['value'] as string).sort()).toEqual(keys('k', 20).sort());
    expect(rows.every((r) => r['count'] === 1)).toBe(true);
    expect(((await again.lastProgress())?.['sink'] as { metrics?: unknown }).metrics).toBeUndefined();
    await again.stop();
  });

  it('append mode: past the cap the oldest rows are dropped and progress sink.metrics counts them', async () => {
    const dir = inputDir('append-in', { 'a.txt': keys('a', 3) });
    await spark.conf.set('kindling.memorySink.maxRows', '5');
    const q = await spark.readStream
      .text(dir)
      .writeStream.format('memory')
      .queryName('capped_lines')
      .outputMode('append')
      .start();
    try {
      await q.processAllAvailable();
      const sinkOf = async () => (await q.lastProgress())?.['sink'] as { description: string; numOutputRows: number; metrics?: unknown };
      // Under the cap: no metrics, as Spark's memory sink (an empty map is left out of the JSON).
      expect((await sinkOf()).metrics).toBeUndefined();

      writeFileSync(join(dir, 'b.txt'), `${keys('b', 4).join('\n')}\n`);
      await q.processAllAvailable();
      const rows = await spark.sql('SELECT * FROM capped_lines').collect();
      expect(rows.map((r) => r['value'] as string)).toEqual(['a2', 'b0', 'b1', 'b2', 'b3']);
      const sink = await sinkOf();
      expect(sink.numOutputRows).toBe(4);
      expect(sink.metrics).toEqual({ maxRows: '5', numRowsDropped: '2' });

      writeFileSync(join(dir, 'c.txt'), 'c0\n');
      await q.processAllAvailable();
      expect((await spark.sql('SELECT * FROM capped_lines').collect()).map((r) => r['value'] as string)).toEqual(['b0', 'b1', 'b2', 'b3', 'c0']);
      expect((await sinkOf()).metrics).toEqual({ maxRows: '5', numRowsDropped: '3' });
      expect(await q.exception()).toBeNull();
    } finally {
      await q.stop();
    }
  });

  it('a cap that is not a positive number of rows is refused at start', async () => {
    const dir = inputDir('zero-in', { 'a.txt': ['x'] });
    await spark.conf.set('kindling.memorySink.maxRows', '0');
    try {
      await expect(spark.readStream.text(dir).writeStream.format('memory').queryName('zero_cap').start()).rejects.toThrow(
        /kindling\.memorySink\.maxRows must be a positive number of rows, got '0'/,
      );
    } finally {
      await spark.conf.set('kindling.memorySink.maxRows', '1000000');
    }
  });
});
