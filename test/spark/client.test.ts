import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalysisException, F, SparkSession, T, Timestamp, type Row, type StreamingQuery } from '../../client/index.js';
import { logTail, startSparkConnect, type SparkConnectServer } from './spark-server.js';
import { eventually } from '../support/eventually.js';

/**
 * Kindling's TypeScript client against a real Spark Connect server (pip pyspark, started here):
 * batch DataFrames, SQL, errors, and a rate-source streaming query with every query-handle call.
 * One server for the file: a JVM costs ~10 s and ~1 GB.
 */

// A JVM sharing two cores with the rest of the suite can be slow; these bound a hang, not speed.
const TIMEOUT_MS = 180_000;
const WAIT = { timeoutMs: 150_000, intervalMs: 250 };

let server: SparkConnectServer;
let spark: SparkSession;
const printed: string[] = [];

beforeAll(async () => {
  server = await startSparkConnect();
  spark = await SparkSession.builder()
    .remote(server.url)
    .output((text) => printed.push(text))
    .getOrCreate();
}, 600_000);

afterAll(async () => {
  for (const q of (await spark?.streams.active().catch(() => [])) ?? []) await q.stop().catch(() => undefined);
  await spark?.stop().catch(() => undefined);
  await server?.stop();
}, 60_000);

/** Failures carry the end of the Spark log, which is where the server's side of the story is. */
async function withLog<R>(f: () => Promise<R>): Promise<R> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof Error && server) e.message += `\n--- Spark Connect log (${server.logFile}) ---\n${logTail(server.logFile)}`;
    throw e;
  }
}

describe('TypeScript client vs real Spark Connect: batch', () => {
  it('talks to the Spark version the venv pins', async () => {
    expect(await spark.version()).toBe(server.sparkVersion);
  }, TIMEOUT_MS);

  it("spark.sql('SELECT 1 AS one') collects a Row; schema and show text are Spark's", () =>
    withLog(async () => {
      const df = spark.sql('SELECT 1 AS one');
      const rows = await df.collect();
      expect(rows.map((r) => r.asDict())).toEqual([{ one: 1 }]);
      expect(await df.columns()).toEqual(['one']);
      expect(await df.dtypes()).toEqual([['one', 'int']]);
      expect((await df.schema()).fields.map((f) => [f.name, f.type.kind, f.nullable])).toEqual([['one', 'integer', false]]);
      expect(await df.explainString()).toContain('== Physical Plan ==');
      printed.length = 0;
      await df.show();
      expect(printed.join('')).toBe('+---+\n|one|\n+---+\n|  1|\n+---+\n\n');
    }), TIMEOUT_MS);

  it('range: filter, withColumn, orderBy, limit, count', () =>
    withLog(async () => {
      const df = spark.range(0, 10).filter(F.col('id').mod(2).eq(0)).withColumn('sq', F.col('id').multiply(F.col('id')));
      expect((await df.orderBy(F.desc('id')).limit(2).collect()).map((r) => r.asDict())).toEqual([
        { id: 8, sq: 64 },
        { id: 6, sq: 36 },
      ]);
      expect(await df.count()).toBe(5);
      expect((await df.orderBy('id').first())?.asDict()).toEqual({ id: 0, sq: 0 });
      expect((await df.orderBy('id').take(2)).map((r) => r['id'])).toEqual([0, 2]);
      expect(await df.filter(F.col('id').gt(100)).isEmpty()).toBe(true);
      expect(await df.dtypes()).toEqual([
        ['id', 'bigint'],
        ['sq', 'bigint'],
      ]);
    }), TIMEOUT_MS);

  it('createDataFrame → groupBy/agg → orderBy → limit → collect; printSchema; timestamps keep microseconds', () =>
    withLog(async () => {
      const df = spark.createDataFrame(
        [
          ['cat', 3, new Timestamp(1_700_000_000_123_456)],
          ['dog', 1, new Timestamp(1_700_000_000_000_000)],
          ['cat', 2, null],
          ['bird', 7, null],
        ],
        T.struct([T.field('word', T.string), T.field('n', T.long), T.field('ts', T.timestamp)]),
      );
      const rows = await df.collect();
      expect((rows[0]?.['ts'] as Timestamp).micros).toBe(1_700_000_000_123_456);
      expect(rows[2]?.['ts']).toBeNull();
      const agg = df.groupBy('word').agg(F.sum('n').alias('total'), F.count('*').alias('c')).orderBy(F.desc('total')).limit(2);
      expect((await agg.collect()).map((r) => r.asDict())).toEqual([
        { word: 'bird', total: 7, c: 1 },
        { word: 'cat', total: 5, c: 2 },
      ]);
      expect((await df.schema()).fields.map((f) => [f.name, f.type.kind, f.nullable])).toEqual([
        ['word', 'string', true],
        ['n', 'long', true],
        ['ts', 'timestamp', true],
      ]);
      printed.length = 0;
      await df.printSchema();
      expect(printed.join('')).toBe(
        'root\n |-- word: string (nullable = true)\n |-- n: long (nullable = true)\n |-- ts: timestamp (nullable = true)\n\n',
      );
      printed.length = 0;
      await agg.show();
      expect(printed.join('')).toBe(
        ['+----+-----+---+', '|word|total|  c|', '+----+-----+---+', '|bird|    7|  1|', '| cat|    5|  2|', '+----+-----+---+', '', ''].join('\n'),
      );
    }), TIMEOUT_MS);

  it('window() over timestamps gives struct rows; SQL over a temp view', () =>
    withLog(async () => {
      const df = spark.createDataFrame(
        [[new Timestamp(12_000_000)], [new Timestamp(13_500_000)], [new Timestamp(27_000_000)]],
        T.struct([T.field('t', T.timestamp)]),
      );
      await df.createOrReplaceTempView('events');
      const rows = await spark
        .sql("SELECT window.start AS s, window.end AS e, count(*) AS c FROM events GROUP BY window(t, '5 seconds') ORDER BY s")
        .collect();
      expect(rows.map((r) => [(r['s'] as Timestamp).micros, (r['e'] as Timestamp).micros, r['c']])).toEqual([
        [10_000_000, 15_000_000, 2],
        [25_000_000, 30_000_000, 1],
      ]);
      const w = (await df.select(F.window('t', '10 seconds', '5 seconds').alias('w')).collect())[0]?.['w'] as Row;
      expect(w.fieldNames()).toEqual(['start', 'end']);
    }), TIMEOUT_MS);

  it('conf round trip', () =>
    withLog(async () => {
      expect(await spark.conf.get('spark.sql.session.timeZone')).toBe('UTC');
      await spark.conf.set('spark.sql.shuffle.partitions', 3);
      expect(await spark.conf.get('spark.sql.shuffle.partitions')).toBe('3');
    }), TIMEOUT_MS);

  it('an unknown table raises AnalysisException TABLE_OR_VIEW_NOT_FOUND / 42P01', () =>
    withLog(async () => {
      const err = await Promise.resolve(spark.sql('SELECT * FROM missing_table')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AnalysisException);
      expect((err as AnalysisException).getCondition()).toBe('TABLE_OR_VIEW_NOT_FOUND');
      expect((err as AnalysisException).getSqlState()).toBe('42P01');
      expect((err as AnalysisException).message).toContain('missing_table');
    }), TIMEOUT_MS);

  it('an unknown column raises AnalysisException UNRESOLVED_COLUMN.*', () =>
    withLog(async () => {
      const err = await spark.range(1).select('nope').collect().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AnalysisException);
      expect((err as AnalysisException).getCondition()).toMatch(/^UNRESOLVED_COLUMN/);
    }), TIMEOUT_MS);
});

const PROGRESS_KEYS = [
  'id',
  'runId',
  'name',
  'timestamp',
  'batchId',
  'batchDuration',
  'numInputRows',
  'inputRowsPerSecond',
  'processedRowsPerSecond',
  'durationMs',
  'stateOperators',
  'sources',
  'sink',
];

describe('TypeScript client vs real Spark Connect: streaming', () => {
  let query: StreamingQuery;

  it('rate → groupBy(window(timestamp, 2 seconds)).count() → memory sink, complete mode', () =>
    withLog(async () => {
      const rate = spark.readStream.format('rate').option('rowsPerSecond', 10).load();
      expect(await rate.isStreaming()).toBe(true);
      expect(await rate.columns()).toEqual(['timestamp', 'value']);
      const counts = rate.groupBy(F.window('timestamp', '2 seconds')).count();
      query = await counts.writeStream.outputMode('complete').format('memory').queryName('rate_counts').start();
      expect(query.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(query.runId).toMatch(/^[0-9a-f-]{36}$/);
      expect(query.name).toBe('rate_counts');

      // Rows arrive; each 2-second window's count is at most 20 and the table is the complete result.
      await eventually(
        async () => {
          const rows = await spark.sql('SELECT * FROM rate_counts').collect();
          expect(rows.reduce((n, r) => n + (r['count'] as number), 0)).toBeGreaterThan(0);
          return true;
        },
        WAIT,
      );
      const rows = await spark.sql('SELECT * FROM rate_counts').collect();
      for (const r of rows) {
        expect(r.fieldNames()).toEqual(['window', 'count']);
        const w = r['window'] as Row;
        const start = (w['start'] as Timestamp).micros;
        expect((w['end'] as Timestamp).micros - start).toBe(2_000_000);
        expect(start % 2_000_000).toBe(0);
        expect(r['count'] as number).toBeLessThanOrEqual(20);
      }
      const starts = rows.map((r) => ((r['window'] as Row)['start'] as Timestamp).micros);
      expect(new Set(starts).size).toBe(starts.length);
    }), TIMEOUT_MS);

  it('status, lastProgress, recentProgress, explain, exception, awaitTermination(timeout) while running', () =>
    withLog(async () => {
      const st = await query.status();
      expect(Object.keys(st).sort()).toEqual(['isDataAvailable', 'isTriggerActive', 'message']);
      expect(typeof st.message).toBe('string');
      expect(await query.isActive()).toBe(true);

      await eventually(
        async () => (((await query.lastProgress())?.['batchId'] as number | undefined) ?? -1) >= 1,
        WAIT,
      );
      const last = await query.lastProgress();
      for (const key of PROGRESS_KEYS) expect(last).toHaveProperty(key);
      expect(last?.['id']).toBe(query.id);
      expect(last?.['runId']).toBe(query.runId);
      expect(last?.['name']).toBe('rate_counts');
      const sources = last?.['sources'] as Record<string, unknown>[];
      expect(sources).toHaveLength(1);
      expect(sources[0]?.['description']).toMatch(/^RateStreamV2\[rowsPerSecond=10, rampUpTimeSeconds=0, numPartitions=/);
      // Spark 4.x leaves the totals out of its JSON; like PySpark, the client sums the sources.
      expect(last?.['numInputRows']).toBe(sources.reduce((n, s) => n + (s['numInputRows'] as number), 0));
      const ops = last?.['stateOperators'] as Record<string, unknown>[];
      expect(ops[0]).toHaveProperty('numRowsTotal');
      expect(ops[0]).toHaveProperty('numRowsUpdated');
      expect((last?.['sink'] as Record<string, unknown>)['description']).toMatch(/^MemorySink/);

      const recent = await query.recentProgress();
      expect(recent.length).toBeGreaterThanOrEqual(2);
      const ids = recent.map((p) => p['batchId'] as number);
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
      expect(recent.reduce((n, p) => n + (p['numInputRows'] as number), 0)).toBeGreaterThan(0);

      const plan = await query.explainString();
      expect(plan).toContain('== Physical Plan ==');
      expect(plan).toContain('StateStoreSave');
      printed.length = 0;
      await query.explain();
      expect(printed.join('')).toContain('StateStoreRestore');

      expect(await query.exception()).toBeNull();
      expect(await query.awaitTermination(0.5)).toBe(false);
      const active = await spark.streams.active();
      expect(active.map((q) => q.id)).toContain(query.id);
      expect((await spark.streams.get(query.id))?.runId).toBe(query.runId);
    }), TIMEOUT_MS);

  it('stop: the query becomes inactive and leaves streams.active; the memory table stays queryable', () =>
    withLog(async () => {
      await query.stop();
      expect(await query.isActive()).toBe(false);
      expect(await query.awaitTermination(0.5)).toBe(true);
      expect(await query.exception()).toBeNull();
      expect((await spark.streams.active()).map((q) => q.id)).not.toContain(query.id);
      expect((await spark.sql('SELECT count(*) AS n FROM rate_counts').collect())[0]?.['n']).toBeGreaterThan(0);
    }), TIMEOUT_MS);
});
