// Over 400 lines because: one suite per user-facing surface (every source, sink and trigger through the client), each case short; split by kind it would repeat the same setup in four files.
import { mkdirSync, mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../engine/util/clock.js';
import { startConnectServer, type ConnectServer } from '../../master/connect/server.js';
import type { StreamingQuery as ServerQuery } from '../../master/streaming/streaming-query.js';
import { localRuntime, type LocalRuntime } from '../support/local-runtime.js';
import { F, SparkSession, type Row, type StreamingQuery, type Timestamp } from '../../client/index.js';
import { eventually } from '../support/eventually.js';

/**
 * The rate and text sources, the console sink and the processingTime / once / availableNow triggers,
 * through a real Kindling server (in-process workers, file checkpoints) and the TypeScript client.
 * Time-driven cases use a manual clock on the server: a test advances it only once the query is
 * blocked waiting for its next trigger, so batch ids and timestamps are exact, not timing-dependent.
 */
interface Served {
  readonly rt: LocalRuntime;
  readonly server: ConnectServer;
  readonly spark: SparkSession;
  readonly clock: ManualClock;
  readonly dir: string;
}

async function serve(startMs = 0): Promise<Served> {
  const clock = new ManualClock(startMs);
  const rt = localRuntime({ workers: 2, clock, conf: { 'spark.sql.shuffle.partitions': '4' } });
  const server = await startConnectServer({ runtime: rt.runtime, host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }) });
  const spark = await SparkSession.builder().remote(`sc://127.0.0.1:${server.port}`).create();
  return { rt, server, spark, clock, dir: mkdtempSync(join(tmpdir(), 'kindling-sst-')) };
}

async function close(s: Served | undefined): Promise<void> {
  if (!s) return;
  await s.spark.stop();
  await s.server.close();
  await s.rt.close();
  rmSync(s.dir, { recursive: true, force: true });
}

/** The server side of a client query handle. */
function serverQuery(s: Served, q: StreamingQuery): ServerQuery {
  for (const session of s.rt.runtime.allSessions()) {
    const found = session.streams.get(q.id);
    if (found) return found;
  }
  throw new Error(`no server query ${q.id}`);
}

/** Settled: the query waits on the clock for its next trigger (or has ended). */
async function settled(s: Served, q: StreamingQuery): Promise<void> {
  const sq = serverQuery(s, q);
  await eventually(() => !sq.isActive || (s.clock.isWaiting() && !sq.status().isTriggerActive), { intervalMs: 5, message: 'the query to wait for its next trigger' });
}

async function advance(s: Served, q: StreamingQuery, ms: number): Promise<void> {
  await settled(s, q);
  s.clock.advance(ms);
  await settled(s, q);
}

async function table(s: Served, name: string): Promise<Row[]> {
  return s.spark.sql(`SELECT * FROM ${name}`).collect();
}

const ms = (r: Row): number => (r['timestamp'] as Timestamp).micros / 1000;
const field = <T>(p: Record<string, unknown> | null | undefined, key: string): T => (p as Record<string, T>)[key] as T;
const sources0 = (p: Record<string, unknown> | null | undefined): Record<string, unknown> =>
  (field<Record<string, unknown>[]>(p, 'sources')[0] ?? {}) as Record<string, unknown>;

/** Moves a text file into `dir` (atomically, as Spark requires) with the given modification time. */
function put(s: Served, dir: string, name: string, lines: readonly string[], mtimeSec: number): void {
  const staging = join(s.dir, `staging-${name}`);
  writeFileSync(staging, lines.map((l) => `${l}\n`).join(''));
  utimesSync(staging, mtimeSec, mtimeSec);
  renameSync(staging, join(dir, name));
}

describe('rate source', () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve(0);
  });
  afterAll(async () => close(s));

  it('rowsPerSecond=10 over 3 partitions: batch 0 is empty, then 10 values a second, spread over the second; progress names the source', async () => {
    const q = await s.spark.readStream
      .format('rate')
      .option('rowsPerSecond', 10)
      .option('numPartitions', 3)
      .load()
      .writeStream.format('memory')
      .queryName('rate_basic')
      .trigger({ processingTime: '1 second' })
      .start();
    await settled(s, q);
    expect(await table(s, 'rate_basic')).toEqual([]);
    await advance(s, q, 1000);
    // Partition p holds values p, p+3, ...; the memory table keeps partition order.
    expect((await table(s, 'rate_basic')).map((r) => [ms(r), r['value']])).toEqual(
      [0, 3, 6, 9, 1, 4, 7, 2, 5, 8].map((v) => [v * 100, v]),
    );
    const last = await q.lastProgress();
    expect([field(last, 'batchId'), field(last, 'numInputRows')]).toEqual([1, 10]);
    expect(sources0(last)).toMatchObject({
      description: 'RateStreamV2[rowsPerSecond=10, rampUpTimeSeconds=0, numPartitions=3',
      startOffset: 0,
      endOffset: 1,
      latestOffset: 1,
      numInputRows: 10,
    });
    expect((await q.recentProgress()).map((p) => [field(p, 'batchId'), field(p, 'numInputRows'), field(p, 'timestamp')])).toEqual([
      [0, 0, '1970-01-01T00:00:00.000Z'],
      [1, 10, '1970-01-01T00:00:01.000Z'],
    ]);
    await q.stop();
  });

  it('rampUpTime: the speed grows in whole rows per second up to rowsPerSecond; default partitions', async () => {
    const q = await s.spark.readStream
      .format('rate')
      .option('rowsPerSecond', 10)
      .option('rampUpTime', '4s')
      .load()
      .writeStream.format('memory')
      .queryName('rate_ramp')
      .trigger({ processingTime: '1 second' })
      .start();
    const start = s.clock.now();
    await settled(s, q);
    for (let i = 0; i < 6; i++) await advance(s, q, 1000);
    const progress = await q.recentProgress();
    // valueAtSecond(s) = 0, 2, 6, 12, 20, 30, 40 for s = 0..6.
    expect(progress.map((p) => field(p, 'numInputRows'))).toEqual([0, 2, 4, 6, 8, 10, 10]);
    expect(sources0(progress[0]).description).toBe('RateStreamV2[rowsPerSecond=10, rampUpTimeSeconds=4, numPartitions=default');
    const rows = (await table(s, 'rate_ramp')).map((r) => [ms(r) - start, r['value']]).sort((a, b) => (a[1] as number) - (b[1] as number));
    expect(rows.map((r) => r[1])).toEqual(Array.from({ length: 40 }, (_, i) => i));
    // Second 1 → 2 holds values 2..5, 250 ms apart.
    expect(rows.slice(2, 6)).toEqual([
      [1000, 2],
      [1250, 3],
      [1500, 4],
      [1750, 5],
    ]);
    await q.stop();
  });

  it('rejects bad options at start', async () => {
    const start = (key: string, value: string) =>
      s.spark.readStream.format('rate').option(key, value).load().writeStream.format('memory').queryName('rate_bad').start();
    await expect(start('rowsPerSecond', '0')).rejects.toThrow("Invalid value '0'. The option 'rowsPerSecond' must be positive");
    await expect(start('numPartitions', '-1')).rejects.toThrow("Invalid value '-1'. The option 'numPartitions' must be positive");
  });
});

describe('processingTime trigger', () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve(2500);
  });
  afterAll(async () => close(s));

  it('triggers at multiples of the interval since the epoch (not since the start); nothing in between', async () => {
    const q = await s.spark.readStream
      .format('rate')
      .option('rowsPerSecond', 1)
      .load()
      .writeStream.format('memory')
      .queryName('ticks')
      .trigger({ processingTime: '5 seconds' })
      .start();
    const batches = async () => (await q.recentProgress()).map((p) => [field(p, 'batchId'), field(p, 'numInputRows'), field(p, 'timestamp')]);
    await settled(s, q);
    expect(await batches()).toEqual([[0, 0, '1970-01-01T00:00:02.500Z']]);
    await advance(s, q, 1000);
    await advance(s, q, 1499);
    expect(await batches()).toHaveLength(1);
    await advance(s, q, 1);
    await advance(s, q, 4999);
    expect(await batches()).toEqual([
      [0, 0, '1970-01-01T00:00:02.500Z'],
      [1, 2, '1970-01-01T00:00:05.000Z'],
    ]);
    await advance(s, q, 1);
    expect((await batches()).at(-1)).toEqual([2, 5, '1970-01-01T00:00:10.000Z']);
    expect(await q.status()).toMatchObject({ message: 'Waiting for next trigger', isTriggerActive: false });
    await q.stop();
  });
});

describe('text source', () => {
  let s: Served;
  afterEach(async () => close(s));

  it('picks up new files across batches, in modification-time order', async () => {
    s = await serve(0);
    const dir = join(s.dir, 'in');
    mkdirSync(dir);
    put(s, dir, 'a.txt', ['a1', 'a2'], 100);
    const q = await s.spark.readStream.text(dir).writeStream.format('memory').queryName('lines').start();
    await q.processAllAvailable();
    expect((await table(s, 'lines')).map((r) => r['value'])).toEqual(['a1', 'a2']);
    put(s, dir, 'c.txt', ['c1'], 300);
    put(s, dir, 'b.txt', ['b1'], 200);
    await q.processAllAvailable();
    expect((await table(s, 'lines')).map((r) => r['value'])).toEqual(['a1', 'a2', 'b1', 'c1']);
    put(s, dir, 'd.txt', [], 400);
    put(s, dir, '.hidden', ['no'], 500);
    put(s, dir, '_temporary', ['no'], 500);
    await q.processAllAvailable();
    const withData = (await q.recentProgress()).filter((p) => field<Record<string, number>>(p, 'durationMs')['addBatch'] !== undefined);
    expect(withData.map((p) => [field(p, 'batchId'), field(p, 'numInputRows'), sources0(p).endOffset])).toEqual([
      [0, 2, { logOffset: 0 }],
      [1, 2, { logOffset: 1 }],
      [2, 0, { logOffset: 2 }],
    ]);
    expect(sources0(withData[0]).description).toBe(`FileStreamSource[file:${dir}]`);
    expect((await table(s, 'lines')).map((r) => r['value'])).toEqual(['a1', 'a2', 'b1', 'c1']);
    await q.stop();
  });

  it('maxFilesPerTrigger: one file per batch, oldest first', async () => {
    s = await serve(0);
    const dir = join(s.dir, 'in');
    mkdirSync(dir);
    put(s, dir, 'z.txt', ['z1'], 100);
    put(s, dir, 'y.txt', ['y1', 'y2'], 200);
    put(s, dir, 'x.txt', ['x1'], 300);
    const q = await s.spark.readStream.option('maxFilesPerTrigger', 1).text(dir).writeStream.format('memory').queryName('one_by_one').start();
    await q.processAllAvailable();
    const batches = (await q.recentProgress()).filter((p) => field<number>(p, 'numInputRows') > 0);
    expect(batches.map((p) => [field(p, 'batchId'), field(p, 'numInputRows')])).toEqual([
      [0, 1],
      [1, 2],
      [2, 1],
    ]);
    expect((await table(s, 'one_by_one')).map((r) => r['value'])).toEqual(['z1', 'y1', 'y2', 'x1']);
    await q.stop();
    // As in Spark, the file source reads its options when the query first asks it for offsets: the query fails.
    const bad = await s.spark.readStream.option('maxFilesPerTrigger', 0).text(dir).writeStream.format('memory').queryName('bad_max').start();
    await expect(bad.awaitTermination(30)).rejects.toThrow("Invalid value '0' for option 'maxFilesPerTrigger', must be a positive integer");
  });
});

describe('once and availableNow triggers', () => {
  let s: Served;
  afterEach(async () => close(s));

  it('once: one batch with everything available (read limits ignored), then the query stops; a restart takes only what is new', async () => {
    s = await serve(0);
    const dir = join(s.dir, 'in');
    mkdirSync(dir);
    put(s, dir, 'a.txt', ['a1'], 100);
    put(s, dir, 'b.txt', ['b1'], 200);
    const start = () =>
      s.spark.readStream
        .option('maxFilesPerTrigger', 1)
        .text(dir)
        .writeStream.format('memory')
        .queryName('once_lines')
        .option('checkpointLocation', join(s.dir, 'once-cp'))
        .option('_kindling.test.recoverMemorySink', 'true')
        .trigger({ once: true })
        .start();
    const q = await start();
    expect(await q.awaitTermination(30)).toBe(true);
    expect(await q.isActive()).toBe(false);
    expect(await q.exception()).toBeNull();
    expect((await q.recentProgress()).map((p) => [field(p, 'batchId'), field(p, 'numInputRows')])).toEqual([[0, 2]]);
    expect((await table(s, 'once_lines')).map((r) => r['value'])).toEqual(['a1', 'b1']);
    put(s, dir, 'c.txt', ['c1'], 300);
    const again = await start();
    expect(await again.awaitTermination(30)).toBe(true);
    expect((await again.recentProgress()).map((p) => [field(p, 'batchId'), field(p, 'numInputRows')])).toEqual([[1, 1]]);
    expect((await table(s, 'once_lines')).map((r) => r['value'])).toEqual(['c1']);
  });

  it('availableNow: everything available at start, in as many batches as maxFilesPerTrigger needs, then stops', async () => {
    s = await serve(0);
    const dir = join(s.dir, 'in');
    mkdirSync(dir);
    for (const [i, n] of ['a', 'b', 'c'].entries()) put(s, dir, `${n}.txt`, [`${n}1`], 100 + i);
    const q = await s.spark.readStream
      .option('maxFilesPerTrigger', 1)
      .text(dir)
      .writeStream.format('memory')
      .queryName('avail_lines')
      .trigger({ availableNow: true })
      .start();
    expect(await q.awaitTermination(30)).toBe(true);
    expect(await q.exception()).toBeNull();
    expect((await q.recentProgress()).map((p) => [field(p, 'batchId'), field(p, 'numInputRows')])).toEqual([
      [0, 1],
      [1, 1],
      [2, 1],
    ]);
    expect((await table(s, 'avail_lines')).map((r) => r['value'])).toEqual(['a1', 'b1', 'c1']);
  });

  it('availableNow with a watermarked aggregation also runs the no-data batch that emits the closed windows', async () => {
    s = await serve(0);
    const dir = join(s.dir, 'in');
    mkdirSync(dir);
    put(s, dir, 'a.txt', ['10', '11', '25'], 100);
    const events = s.spark.readStream.text(dir).select(F.timestamp_seconds(F.col('value').cast('long')).alias('eventTime'));
    const counts = events
      .withWatermark('eventTime', '10 seconds')
      .groupBy(F.window('eventTime', '5 seconds'))
      .count()
      .select(F.col('window.start').cast('long').alias('start'), F.col('count'));
    const q = await counts.writeStream.format('memory').queryName('avail_windows').outputMode('append').trigger({ availableNow: true }).start();
    expect(await q.awaitTermination(30)).toBe(true);
    expect((await q.recentProgress()).map((p) => [field(p, 'batchId'), field(p, 'numInputRows')])).toEqual([
      [0, 3],
      [1, 0],
    ]);
    expect((await table(s, 'avail_windows')).map((r) => [r['start'], r['count']])).toEqual([[10, 2]]);
  });
});

describe('console sink', () => {
  let s: Served;
  const printed: string[] = [];
  beforeAll(async () => {
    s = await serve(10_000);
    const write = process.stdout.write.bind(process.stdout);
    vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: never[]) => {
      if (typeof chunk === 'string' && chunk.startsWith('-------------------------------------------\nBatch: ')) {
        printed.push(chunk);
        return true;
      }
      return write(chunk, ...rest);
    }) as typeof process.stdout.write);
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await close(s);
  });

  const rule = '-------------------------------------------';
  const block = (batchId: number, table: string[]): string => `${rule}\nBatch: ${batchId}\n${rule}\n${table.join('\n')}\n\n`;

  it('prints every batch as Spark does: the batch header, show() with truncation at 20, a blank line; the empty batch 0 too', async () => {
    printed.length = 0;
    const q = await s.spark.readStream
      .format('rate')
      .option('rowsPerSecond', 2)
      .option('numPartitions', 1)
      .load()
      .writeStream.format('console')
      .trigger({ processingTime: '1 second' })
      .start();
    await advance(s, q, 1000);
    await q.stop();
    expect(printed).toEqual([
      block(0, ['+---------+-----+', '|timestamp|value|', '+---------+-----+', '+---------+-----+']),
      block(1, [
        '+--------------------+-----+',
        '|           timestamp|value|',
        '+--------------------+-----+',
        '| 1970-01-01 00:00:10|    0|',
        '|1970-01-01 00:00:...|    1|',
        '+--------------------+-----+',
      ]),
    ]);
    const last = await q.lastProgress();
    expect(field(last, 'sink')).toEqual({ description: 'org.apache.spark.sql.execution.streaming.ConsoleTable$', numOutputRows: 2 });
  });

  it('numRows and truncate=false: left-aligned cells, "only showing top 1 row" (no blank line after it)', async () => {
    printed.length = 0;
    const q = await s.spark.readStream
      .format('rate')
      .option('rowsPerSecond', 2)
      .option('numPartitions', 1)
      .load()
      .writeStream.format('console')
      .option('numRows', 1)
      .option('truncate', false)
      .trigger({ processingTime: '1 second' })
      .start();
    const start = s.clock.now() / 1000;
    await advance(s, q, 1000);
    await q.stop();
    const stamp = new Date(start * 1000).toISOString().slice(0, 19).replace('T', ' ');
    // Spark 4's showString ends the trailer without a newline; println adds the only one.
    expect(printed[1]).toBe(
      `${rule}\nBatch: 1\n${rule}\n` +
        ['+-------------------+-----+', '|timestamp          |value|', '+-------------------+-----+', `|${stamp}|0    |`, '+-------------------+-----+', 'only showing top 1 row'].join('\n') +
        '\n',
    );
  });

  it('complete mode prints the whole result every batch (sorted here, as complete mode allows)', async () => {
    printed.length = 0;
    const dir = join(s.dir, 'words');
    mkdirSync(dir);
    put(s, dir, 'a.txt', ['spark', 'apache'], 100);
    const q = await s.spark.readStream
      .text(dir)
      .groupBy('value')
      .count()
      .orderBy('value')
      .writeStream.format('console')
      .outputMode('complete')
      .start();
    await q.processAllAvailable();
    put(s, dir, 'b.txt', ['spark'], 200);
    await q.processAllAvailable();
    await q.stop();
    expect(printed).toEqual([
      block(0, ['+------+-----+', '| value|count|', '+------+-----+', '|apache|    1|', '| spark|    1|', '+------+-----+']),
      block(1, ['+------+-----+', '| value|count|', '+------+-----+', '|apache|    1|', '| spark|    2|', '+------+-----+']),
    ]);
  });
});
