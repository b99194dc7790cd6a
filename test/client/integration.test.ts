import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { status } from '@grpc/grpc-js';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConnectServer, type ConnectServer } from '../../master/connect/server.js';
import { localRuntime, type LocalRuntime } from '../support/local-runtime.js';
import {
  AnalysisException,
  F,
  SparkConnectGrpcException,
  SparkSession,
  T,
  Timestamp,
  type Row,
  type StreamingQuery,
} from '../../client/index.js';
import { eventually } from '../support/eventually.js';

/** The lines the socket feeds, and the word counts they must produce. */
const LINES = ['cat dog cat', 'dog bird', 'cat', 'mouse cat dog'];
const EXPECTED = new Map<string, number>();
for (const line of LINES) for (const w of line.split(' ')) EXPECTED.set(w, (EXPECTED.get(w) ?? 0) + 1);

let rt: LocalRuntime;
let server: ConnectServer;
let lineServer: NetServer;
let linePort = 0;
const sockets = new Set<Socket>();
let spark: SparkSession;
const printed: string[] = [];

beforeAll(async () => {
  rt = localRuntime({ workers: 2, conf: { 'spark.sql.shuffle.partitions': '4' } });
  server = await startConnectServer({ runtime: rt.runtime, host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }) });
  lineServer = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.write(LINES.map((l) => `${l}\n`).join(''));
  });
  await new Promise<void>((resolve) => lineServer.listen(0, resolve));
  linePort = (lineServer.address() as { port: number }).port;
  spark = await SparkSession.builder()
    .remote(`sc://127.0.0.1:${server.port}`)
    .appName('streaming-exercise')
    .output((text) => printed.push(text))
    .getOrCreate();
});

afterAll(async () => {
  await spark?.stop();
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => lineServer?.close(() => resolve()));
  await server?.close();
  await rt?.close();
});

/** Spark's show() text for rows, computed here independently (truncate = 20, right-aligned). */
function showText(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const cut = (s: string): string => (s.length > 20 ? `${s.slice(0, 17)}...` : s);
  const cells = [header.map(cut), ...rows.map((r) => r.map(cut))];
  const widths = header.map((_, c) => Math.max(3, ...cells.map((r) => (r[c] as string).length)));
  const sep = `+${widths.map((w) => '-'.repeat(w)).join('+')}+`;
  const line = (r: readonly string[]): string => `|${r.map((v, c) => v.padStart(widths[c] as number)).join('|')}|`;
  return [sep, line(cells[0] as string[]), sep, ...cells.slice(1).map(line), sep];
}

function fmt(ts: unknown): string {
  return (ts as Timestamp).toISOString().slice(0, 19).replace('T', ' ');
}

describe('the streaming-exercise example against a real Kindling server', () => {
  let query: StreamingQuery;

  it('runs the notebook word count end to end; wordcounts matches independently computed counts', async () => {
    const lines = spark.readStream.format('socket').option('host', 'localhost').option('port', linePort).load();
    const words = lines.select(F.explode(F.split(lines.col('value'), ' ')).alias('word'));
    const wwt = words.withColumn('timestamp', F.current_timestamp()).withWatermark('timestamp', '5 seconds');
    const catpm = wwt
      .groupBy(F.window('timestamp', '60 seconds', '5 seconds'), 'word')
      .agg(F.count('word').alias('cats per minute'))
      .drop('word');
    expect(await catpm.columns()).toEqual(['window', 'cats per minute']);
    const wordCounts = wwt.groupBy(F.window('timestamp', '60 seconds', '30 seconds'), 'word').count();
    query = await wordCounts.writeStream.outputMode('complete').format('memory').queryName('wordcounts').start();
    expect(query.name).toBe('wordcounts');
    expect(query.id).toMatch(/^[0-9a-f-]{36}$/);

    // Each event lands in exactly two 60s windows sliding by 30s: per word, the counts over all windows sum to 2 × occurrences.
    await eventually(
      async () => {
        const rows = await spark.sql('SELECT * FROM wordcounts').collect();
        const sums = new Map<string, number>();
        for (const r of rows) sums.set(r['word'] as string, (sums.get(r['word'] as string) ?? 0) + (r['count'] as number));
        expect(Object.fromEntries(sums)).toEqual(Object.fromEntries([...EXPECTED].map(([w, n]) => [w, 2 * n])));
        return true;
      },
      { timeoutMs: 30_000, intervalMs: 200, message: 'every word counted in two windows' },
    );
    const rows = await spark.sql('SELECT * FROM wordcounts').collect();
    for (const r of rows) {
      expect(r.fieldNames()).toEqual(['window', 'word', 'count']);
      const w = r['window'] as Row;
      const start = (w['start'] as Timestamp).micros;
      const end = (w['end'] as Timestamp).micros;
      expect(end - start).toBe(60_000_000);
      expect(start % 30_000_000).toBe(0);
      expect(r['count'] as number).toBeLessThanOrEqual(EXPECTED.get(r['word'] as string) ?? 0);
    }
  });

  it('show() prints Spark table text for the memory table', async () => {
    printed.length = 0;
    const df = spark.sql('SELECT * FROM wordcounts');
    await df.show();
    const rows = await df.collect();
    const text = printed.join('');
    expect(text.endsWith('\n')).toBe(true);
    const expected = showText(
      ['window', 'word', 'count'],
      rows.map((r) => {
        const w = r['window'] as Row;
        return [`{${fmt(w['start'])}, ${fmt(w['end'])}}`, r['word'] as string, String(r['count'])];
      }),
    );
    const got = text.trimEnd().split('\n');
    expect(got.slice(0, 3)).toEqual(expected.slice(0, 3));
    expect(got[got.length - 1]).toBe(expected[expected.length - 1]);
    expect([...got.slice(3, -1)].sort()).toEqual([...expected.slice(3, -1)].sort());
  });

  it("SELECT window.end, * gives columns end, window, word, count with end = window.end", async () => {
    const rows = await spark.sql('SELECT window.end, * FROM wordcounts').collect();
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.fieldNames()).toEqual(['end', 'window', 'word', 'count']);
      expect((r['end'] as Timestamp).micros).toBe(((r['window'] as Row)['end'] as Timestamp).micros);
    }
  });

  it('query handle: status, progress, explain, exception, awaitTermination, active, stop', async () => {
    const st = await query.status();
    expect(Object.keys(st).sort()).toEqual(['isDataAvailable', 'isTriggerActive', 'message']);
    expect(await query.isActive()).toBe(true);
    const last = await query.lastProgress();
    expect(last).not.toBeNull();
    for (const key of ['id', 'runId', 'name', 'timestamp', 'batchId', 'batchDuration', 'stateOperators', 'sources', 'sink']) {
      expect(last).toHaveProperty(key);
    }
    expect(last?.['id']).toBe(query.id);
    expect(last?.['name']).toBe('wordcounts');
    const recent = await query.recentProgress();
    expect(recent.length).toBeGreaterThan(0);
    expect(recent[recent.length - 1]?.['batchId']).toBeGreaterThanOrEqual(0);
    expect((await query.explainString()).length).toBeGreaterThan(0);
    expect(await query.exception()).toBeNull();
    expect(await query.awaitTermination(0.2)).toBe(false);
    expect((await spark.streams.active()).map((q) => q.name)).toContain('wordcounts');
    expect((await spark.streams.get(query.id))?.runId).toBe(query.runId);
    await query.stop();
    expect(await query.isActive()).toBe(false);
    expect(await query.awaitTermination(0.2)).toBe(true);
    expect((await spark.streams.active()).map((q) => q.id)).not.toContain(query.id);
  });
});

describe('batch DataFrames against the real server', () => {
  it('range, filter, withColumn, orderBy, limit, collect, count, first', async () => {
    const df = spark.range(0, 10).filter(F.col('id').mod(2).eq(0)).withColumn('sq', F.col('id').multiply(F.col('id')));
    expect((await df.orderBy(F.desc('id')).limit(2).collect()).map((r) => r.asDict())).toEqual([
      { id: 8, sq: 64 },
      { id: 6, sq: 36 },
    ]);
    expect(await df.count()).toBe(5);
    expect((await df.orderBy('id').first())?.asDict()).toEqual({ id: 0, sq: 0 });
    expect(await df.columns()).toEqual(['id', 'sq']);
    expect(await df.dtypes()).toEqual([
      ['id', 'bigint'],
      ['sq', 'bigint'],
    ]);
  });

  it('createDataFrame, groupBy/agg, orderBy, printSchema', async () => {
    const df = spark.createDataFrame(
      [
        ['cat', 3, new Timestamp(1_700_000_000_123_456)],
        ['dog', 1, new Timestamp(1_700_000_000_000_000)],
        ['cat', 2, null],
      ],
      T.struct([T.field('word', T.string), T.field('n', T.long), T.field('ts', T.timestamp)]),
    );
    const rows = await df.collect();
    expect((rows[0]?.['ts'] as Timestamp).micros).toBe(1_700_000_000_123_456);
    expect(rows[2]?.['ts']).toBeNull();
    const agg = await df.groupBy('word').agg(F.sum('n').alias('total'), F.count('*').alias('c')).orderBy('word').collect();
    expect(agg.map((r) => r.asDict())).toEqual([
      { word: 'cat', total: 5, c: 2 },
      { word: 'dog', total: 1, c: 1 },
    ]);
    printed.length = 0;
    await df.printSchema();
    expect(printed.join('')).toBe(
      'root\n |-- word: string (nullable = true)\n |-- n: long (nullable = true)\n |-- ts: timestamp (nullable = true)\n\n',
    );
    expect(await df.isStreaming()).toBe(false);
    expect(await spark.readStream.format('rate').load().isStreaming()).toBe(true);
    expect(await df.explainString()).toMatch(/Physical Plan/);
    expect(await spark.version()).toMatch(/^\d+\.\d+/);
  });

  it('temp views and SQL over them; conf round trip', async () => {
    await spark.range(3).createOrReplaceTempView('three');
    const rows = await spark.sql('SELECT sum(id) AS s FROM three').collect();
    expect(rows[0]?.['s']).toBe(3);
    await spark.conf.set('spark.sql.shuffle.partitions', 3);
    expect(await spark.conf.get('spark.sql.shuffle.partitions')).toBe('3');
  });
});

describe('errors against the real server', () => {
  it('unknown table → AnalysisException TABLE_OR_VIEW_NOT_FOUND / 42P01 at await spark.sql()', async () => {
    const err = await Promise.resolve(spark.sql('SELECT * FROM missing_table')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AnalysisException);
    expect((err as AnalysisException).getCondition()).toBe('TABLE_OR_VIEW_NOT_FOUND');
    expect((err as AnalysisException).getSqlState()).toBe('42P01');
  });

  it('unknown column and unknown function are AnalysisExceptions with their conditions', async () => {
    const col = await spark.range(1).select('nope').collect().catch((e: unknown) => e);
    expect(col).toBeInstanceOf(AnalysisException);
    expect((col as AnalysisException).getCondition()).toMatch(/^UNRESOLVED_COLUMN/);
    const fn = await spark.range(1).select(F.expr('no_such_fn(id)')).collect().catch((e: unknown) => e);
    expect(fn).toBeInstanceOf(AnalysisException);
    expect((fn as AnalysisException).getCondition()).toBe('UNRESOLVED_ROUTINE');
  });
});

describe('token auth and stop()', () => {
  it('accepts the right bearer token, refuses a missing one with UNAUTHENTICATED', async () => {
    const secured = await startConnectServer({ runtime: rt.runtime, host: '127.0.0.1', port: 0, token: 'abc', log: pino({ level: 'silent' }) });
    try {
      const ok = await SparkSession.builder().remote(`sc://localhost:${secured.port}/;token=abc`).create();
      expect((await ok.range(3).collect()).length).toBe(3);
      await ok.stop();
      const anon = await SparkSession.builder().remote(`sc://127.0.0.1:${secured.port}`).create();
      const err = await anon.range(1).collect().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SparkConnectGrpcException);
      expect((err as SparkConnectGrpcException).grpcStatusCode).toBe(status.UNAUTHENTICATED);
      await anon.stop();
    } finally {
      await secured.close();
    }
  });

  it('stop() releases the session; the session is unusable afterwards', async () => {
    const s = await SparkSession.builder().remote(`sc://127.0.0.1:${server.port}`).create();
    expect(await s.range(2).count()).toBe(2);
    await s.stop();
    expect(s.stopped).toBe(true);
    await expect(s.range(1).collect()).rejects.toThrow();
  });
});
