import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  Row,
  Timestamp} from '../../client/index.js';
import {
  AnalysisException,
  SparkSession,
  StreamingQueryException,
  functions as F,
  type DataFrame,
  type StreamingQuery,
} from '../../client/index.js';
import { LineServer, burst, startKindling, type KindlingProcess } from './process.js';
import { eventually } from '../support/eventually.js';

const MINUTE = 60_000_000;

interface WindowRow {
  readonly start: number;
  readonly end: number;
  readonly count: number;
  readonly word?: string;
}

function windowOf(row: Row): { start: number; end: number } {
  const w = row.get('window') as Row;
  return { start: (w.get('start') as Timestamp).micros, end: (w.get('end') as Timestamp).micros };
}

/** The windows are `width` long on a `slide` grid and all contain one common instant. */
function expectWindowsOfOneInstant(windows: readonly { start: number; end: number }[], width: number, slide: number): void {
  for (const w of windows) {
    expect(w.end - w.start).toBe(width);
    expect(((w.start % slide) + slide) % slide).toBe(0);
  }
  const from = Math.max(...windows.map((w) => w.start));
  const to = Math.min(...windows.map((w) => w.end));
  expect(to - from).toBe(slide);
  expect(windows.length).toBe(width / slide);
}

async function waitForRows(spark: SparkSession, table: string, n: number): Promise<Row[]> {
  let seen = 0;
  return eventually(
    async () => {
      const rows = await spark.sql(`SELECT * FROM ${table}`).collect();
      seen = rows.length;
      return rows.length >= n ? rows : null;
    },
    { message: () => `${n} rows in ${table} (${seen} so far)` },
  );
}

/** The sum of a numeric column: equal to the words sent times the windows each falls in once every line is counted. */
async function sumOf(spark: SparkSession, table: string, column: string): Promise<number> {
  return (await spark.sql(`SELECT * FROM ${table}`).collect()).reduce((n, r) => n + (r.get(column) as number), 0);
}

describe('kindling local runs the seed notebook through the TypeScript client', () => {
  let kindling: KindlingProcess;
  let feed: LineServer;
  let spark: SparkSession;
  let checkpoints: string;
  const bursts = [1, 2, 3].map((k) => burst(k, 5));
  const expected = new Map<string, { burst: number; count: number }>();
  bursts.forEach((b, i) => b.counts.forEach((count, word) => expected.set(word, { burst: i + 1, count })));
  let wordcounts: StreamingQuery;
  let catpm: StreamingQuery;

  beforeAll(async () => {
    checkpoints = mkdtempSync(join(tmpdir(), 'kindling-e2e-'));
    kindling = await startKindling(['local', '--port', '0', '--workers', '2', '--log-level', 'warn', '--checkpoint-dir', checkpoints]);
    feed = await LineServer.start();
    spark = await SparkSession.builder().remote(`sc://localhost:${kindling.port}`).appName('streaming-exercise').getOrCreate();
    await spark.conf.set('spark.sql.shuffle.partitions', '8');
    await spark.conf.set('spark.sql.session.timeZone', 'UTC');
  });

  afterAll(async () => {
    await spark?.stop();
    await feed?.close();
    await kindling?.stop();
    rmSync(checkpoints, { recursive: true, force: true });
  });

  it('counts every word exactly, in the right windows, in both seed queries', async () => {
    const lines = spark.readStream.format('socket').option('host', 'localhost').option('port', feed.port).load();
    const words = lines.select(F.explode(F.split(lines.col('value'), ' ')).alias('word'));
    const wwt = words.withColumn('timestamp', F.current_timestamp()).withWatermark('timestamp', '5 seconds');
    const catpmDf = wwt
      .groupBy(F.window('timestamp', '60 seconds', '5 seconds'), 'word')
      .agg(F.count('word').alias('cats per minute'))
      .drop('word');
    const wordCounts = wwt.groupBy(F.window('timestamp', '60 seconds', '30 seconds'), 'word').count();
    wordcounts = await wordCounts.writeStream.outputMode('complete').format('memory').queryName('wordcounts').start();
    catpm = await catpmDf.writeStream.outputMode('complete').format('memory').queryName('catpm').start();
    await feed.waitForConnections(2);
    let sent = 0;
    for (const b of bursts) {
      feed.broadcast(b.lines);
      b.counts.forEach((n) => (sent += n));
      // Every word of the burst counted in both queries (2 and 12 windows a word) before the next one.
      await eventually(async () => (await sumOf(spark, 'wordcounts', 'count')) === 2 * sent && (await sumOf(spark, 'catpm', 'cats per minute')) === 12 * sent, {
        message: `burst ${bursts.indexOf(b) + 1} in wordcounts and catpm`,
      });
      await wordcounts.processAllAvailable();
      await catpm.processAllAvailable();
    }

    // wordcounts: each word in exactly the two 60 s windows around its burst's batch time, with its count.
    const wc = await waitForRows(spark, 'wordcounts', 2 * expected.size);
    expect(wc.length).toBe(2 * expected.size);
    const byWord = new Map<string, WindowRow[]>();
    for (const r of wc) {
      const word = r.get('word') as string;
      const list = byWord.get(word) ?? [];
      list.push({ ...windowOf(r), count: r.get('count') as number });
      byWord.set(word, list);
    }
    for (const [word, { burst: k, count }] of expected) {
      const rows = byWord.get(word) ?? [];
      expect(rows.map((r) => r.count)).toEqual([count, count]);
      expectWindowsOfOneInstant(rows, MINUTE, MINUTE / 2);
      const sameBurst = [...expected].filter(([, e]) => e.burst === k).map(([w]) => w);
      const signature = (w: string): string => JSON.stringify((byWord.get(w) ?? []).map((r) => r.start).sort());
      for (const other of sameBurst) expect(signature(other)).toBe(signature(word));
    }

    // catpm (word dropped): a row's count names its word; each word in its 12 sliding windows.
    const cp = await waitForRows(spark, 'catpm', 12 * expected.size);
    expect(cp.length).toBe(12 * expected.size);
    expect(cp[0]?.fieldNames()).toEqual(['window', 'cats per minute']);
    const wordOfCount = new Map([...expected].map(([w, e]) => [e.count, w]));
    const byCount = new Map<number, { start: number; end: number }[]>();
    for (const r of cp) {
      const n = r.get('cats per minute') as number;
      expect(wordOfCount.has(n)).toBe(true);
      const list = byCount.get(n) ?? [];
      list.push(windowOf(r));
      byCount.set(n, list);
    }
    for (const { count } of expected.values()) expectWindowsOfOneInstant(byCount.get(count) ?? [], MINUTE, 5_000_000);
  });

  it("prints Spark's table text and selects window.end next to the struct", async () => {
    const df: DataFrame = spark.sql('SELECT * FROM wordcounts ORDER BY word, window.start');
    const rows = await df.collect();
    const text = await df.showString(100);
    expect(text).toBe(sparkTable(['window', 'word', 'count'], rows.map((r) => [windowText(r), r.get('word') as string, String(r.get('count'))]), 20));
    expect(text).toContain('|{20');

    const ends = spark.sql('SELECT window.end, * FROM wordcounts');
    expect(await ends.columns()).toEqual(['end', 'window', 'word', 'count']);
    for (const r of await ends.collect()) {
      expect((r.get('end') as Timestamp).micros).toBe(windowOf(r).end);
    }
  });

  it('answers every query-handle call as Spark does', async () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    expect(wordcounts.id).toMatch(uuid);
    expect(wordcounts.runId).toMatch(uuid);
    expect(wordcounts.name).toBe('wordcounts');
    expect(await wordcounts.isActive()).toBe(true);
    const status = await wordcounts.status();
    expect(Object.keys(status).sort()).toEqual(['isDataAvailable', 'isTriggerActive', 'message']);
    const last = await wordcounts.lastProgress();
    for (const key of ['id', 'runId', 'name', 'timestamp', 'batchId', 'batchDuration', 'stateOperators', 'sources', 'sink']) {
      expect(last).toHaveProperty(key);
    }
    expect(last?.['name']).toBe('wordcounts');
    const recent = await wordcounts.recentProgress();
    expect(recent.length).toBeGreaterThan(0);
    expect(recent[recent.length - 1]?.['batchId']).toBe(last?.['batchId']);
    const plan = await wordcounts.explainString();
    expect(plan).toMatch(/\n +\+- Exchange hashpartitioning\(window#\d+-T5000ms, word#\d+, 8\), REQUIRED_BY_STATEFUL_OPERATOR\n/);
    expect(plan).toMatch(/\n +\+- StateStoreSave \[window#\d+-T5000ms, word#\d+\], state info \[.*numPartitions = 8\], Complete, /);
    expect(plan).toContain('Stage 1 (reduce, a task per owner of the 8 state partitions, StateStore memory)');
    expect(await wordcounts.exception()).toBeNull();
    expect(await wordcounts.awaitTermination(0.2)).toBe(false);
    expect((await spark.streams.active()).map((q) => q.name).sort()).toEqual(['catpm', 'wordcounts']);
  });

  it('stops, restarts from its checkpoint and keeps counting exactly', async () => {
    await catpm.stop();
    expect(await catpm.isActive()).toBe(false);
    const before = await spark.sql('SELECT word, count FROM wordcounts').collect();
    await wordcounts.stop();
    expect(await wordcounts.isActive()).toBe(false);
    expect((await wordcounts.status()).message).toBe('Stopped');

    // Same name, same checkpoint root: the query resumes its state (Spark's complete-mode memory sink).
    const lines = spark.readStream.format('socket').option('host', 'localhost').option('port', feed.port).load();
    const words = lines.select(F.explode(F.split(lines.col('value'), ' ')).alias('word'));
    const wwt = words.withColumn('timestamp', F.current_timestamp()).withWatermark('timestamp', '5 seconds');
    const again = await wwt
      .groupBy(F.window('timestamp', '60 seconds', '30 seconds'), 'word')
      .count()
      .writeStream.outputMode('complete')
      .format('memory')
      .queryName('wordcounts')
      .start();
    expect(again.id).toBe(wordcounts.id);
    expect(again.runId).not.toBe(wordcounts.runId);
    await feed.waitForConnections(1);
    const extra = burst(4, 3);
    feed.broadcast(extra.lines);
    const after = await waitForRows(spark, 'wordcounts', before.length + 2 * extra.counts.size);
    const total = (rows: Row[]): Map<string, number> => {
      const m = new Map<string, number>();
      for (const r of rows) m.set(r.get('word') as string, (m.get(r.get('word') as string) ?? 0) + (r.get('count') as number));
      return m;
    };
    const t = total(after);
    for (const [word, { count }] of expected) expect(t.get(word)).toBe(2 * count);
    for (const [word, count] of extra.counts) expect(t.get(word)).toBe(2 * count);
    await again.stop();
  });

  it('gives clear errors with Spark error classes and keeps serving', async () => {
    await expect(spark.sql('SELECT * FROM no_such_table')).rejects.toMatchObject({
      errorClass: 'TABLE_OR_VIEW_NOT_FOUND',
      sqlState: '42P01',
    });
    await expect(spark.sql('SELECT * FROM no_such_table')).rejects.toBeInstanceOf(AnalysisException);
    await expect(spark.range(3).select('nope').collect()).rejects.toMatchObject({ errorClass: 'UNRESOLVED_COLUMN.WITH_SUGGESTION' });
    await expect(spark.range(3).select(F.expr('no_such_fn(id)')).collect()).rejects.toMatchObject({ errorClass: 'UNRESOLVED_ROUTINE' });

    const lines = spark.readStream.format('socket').option('host', 'localhost').option('port', feed.port).load();
    const counts = lines.groupBy('value').count();
    await expect(counts.writeStream.outputMode('append').format('memory').queryName('bad_mode').start()).rejects.toMatchObject({
      errorClass: 'STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION',
    });

    // A socket nobody listens on: the query starts, then fails in batch 0 as Spark's does.
    const closed = await LineServer.start();
    const deadPort = closed.port;
    await closed.close();
    const dead = spark.readStream.format('socket').option('host', 'localhost').option('port', deadPort).load();
    const q = await dead.writeStream.format('console').start();
    await expect(q.awaitTermination(20)).rejects.toBeInstanceOf(StreamingQueryException);
    const e = await q.exception();
    expect(e).toBeInstanceOf(StreamingQueryException);
    expect(e?.message).toContain('Connection refused');

    // The server still serves this session and a brand-new one.
    expect((await spark.range(5).collect()).length).toBe(5);
    const other = await SparkSession.builder().remote(`sc://localhost:${kindling.port}/;session_id=${crypto.randomUUID()}`).getOrCreate();
    expect((await other.sql('SELECT 1 AS one').collect())[0]?.get('one')).toBe(1);
    await other.stop();
  });
});

function windowText(r: Row): string {
  const { start, end } = windowOf(r);
  const fmt = (us: number): string => new Date(us / 1000).toISOString().replace('T', ' ').replace(/\.000Z$/, '');
  return `{${fmt(start)}, ${fmt(end)}}`;
}

/** Spark's show() layout, written independently of the engine's formatter. */
function sparkTable(header: readonly string[], rows: readonly string[][], truncate: number): string {
  const cut = (s: string): string => (s.length > truncate ? `${s.slice(0, truncate - 3)}...` : s);
  const cells = rows.map((r) => r.map(cut));
  const widths = header.map((h, i) => Math.max(3, h.length, ...cells.map((r) => (r[i] as string).length)));
  const sep = `+${widths.map((w) => '-'.repeat(w)).join('+')}+\n`;
  const line = (r: readonly string[]): string => `|${r.map((c, i) => c.padStart(widths[i] as number)).join('|')}|\n`;
  return sep + line(header) + sep + cells.map(line).join('') + sep;
}
