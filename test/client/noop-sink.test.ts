import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { F, SparkSession } from '../../client/index.js';
import { startConnectServer, type ConnectServer } from '../../master/connect/server.js';
import { localRuntime, type LocalRuntime } from '../support/local-runtime.js';

/**
 * Spark's `noop` sink through a real server and the TypeScript client: every output mode, each
 * batch counted in progress and dropped; a windowed count with a watermark keeps only the open
 * windows in its state, so a long run's memory is the open windows, not everything seen.
 */
describe('noop sink', () => {
  let rt: LocalRuntime;
  let server: ConnectServer;
  let spark: SparkSession;
  let dir: string;
  beforeAll(async () => {
    rt = localRuntime({ workers: 2, conf: { 'spark.sql.shuffle.partitions': '3' } });
    server = await startConnectServer({ runtime: rt.runtime, host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }) });
    spark = await SparkSession.builder().remote(`sc://127.0.0.1:${server.port}`).create();
    dir = mkdtempSync(join(tmpdir(), 'kindling-noop-'));
  });
  afterAll(async () => {
    await spark.stop();
    await server.close();
    await rt.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Lines `seconds word` in a new file of `input`. */
  let files = 0;
  const put = (input: string, lines: readonly string[]): void => {
    const staging = join(dir, `staging-${files}`);
    writeFileSync(staging, lines.map((l) => `${l}\n`).join(''));
    renameSync(staging, join(input, `f${files++}.txt`));
  };
  const counts = (input: string) => {
    const lines = spark.readStream.text(input);
    const timed = lines.select(F.expr("timestamp_seconds(cast(split(value, ' ')[0] as long))").alias('t'), F.expr("split(value, ' ')[1]").alias('word'));
    return timed.withWatermark('t', '5 seconds').groupBy(F.window('t', '10 seconds'), 'word').count();
  };
  const progress = async (q: { lastProgress(): Promise<unknown> }) => (await q.lastProgress()) as {
    batchId: number;
    numInputRows: number;
    sink: { description: string; numOutputRows: number };
    stateOperators: { numRowsTotal: number; numRowsUpdated: number; numRowsRemoved: number }[];
  };

  it('update mode with a watermark: rows counted as output and dropped; closed windows leave the state', async () => {
    const input = join(dir, 'update');
    mkdirSync(input);
    const q = await counts(input).writeStream.format('noop').outputMode('update').queryName('dropped').start();
    put(input, ['1 a', '2 b', '3 a', '4 c']);
    await q.processAllAvailable();
    let p = await progress(q);
    expect(p.sink.description).toBe('org.apache.spark.sql.execution.datasources.noop.NoopTable$');
    expect(p.sink.numOutputRows).toBe(3);
    expect(p.stateOperators[0]?.numRowsTotal).toBe(3);
    // Event time 31 s moves the watermark to 26 s: the [0, 10) windows are closed and evicted.
    put(input, ['31 a', '32 d']);
    await q.processAllAvailable();
    p = await progress(q);
    expect(p.stateOperators[0]?.numRowsTotal).toBe(2);
    const removed = (await q.recentProgress()).map((x) => (x as { stateOperators: { numRowsRemoved: number }[] }).stateOperators[0]?.numRowsRemoved ?? 0);
    expect(removed.reduce((a, b) => a + b, 0)).toBe(3);
    expect(await q.exception()).toBeNull();
    await q.stop();
    // No table is made: a noop query's name is not a view.
    await expect(spark.sql('SELECT * FROM dropped').collect()).rejects.toThrow(/TABLE_OR_VIEW_NOT_FOUND/);
  });

  it('append and complete modes are accepted too (complete: the whole result each batch)', async () => {
    const input = join(dir, 'modes');
    mkdirSync(input);
    put(input, ['1 a', '2 a', '3 b']);
    const complete = await counts(input).writeStream.format('noop').outputMode('complete').start();
    await complete.processAllAvailable();
    expect((await progress(complete)).sink.numOutputRows).toBe(2);
    put(input, ['4 c']);
    await complete.processAllAvailable();
    expect((await progress(complete)).sink.numOutputRows).toBe(3);
    await complete.stop();
    const append = await counts(input).writeStream.format('noop').outputMode('append').start();
    await append.processAllAvailable();
    expect((await progress(append)).sink.numOutputRows).toBe(0);
    await append.stop();
  });
});
