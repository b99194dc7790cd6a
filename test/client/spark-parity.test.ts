import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConnectServer, type ConnectServer } from '../../master/connect/server.js';
import { localRuntime, type LocalRuntime } from '../support/local-runtime.js';
import {
  AnalysisException,
  ArithmeticException,
  DateTimeException,
  F,
  IllegalArgumentException,
  NumberFormatException,
  ParseException,
  SparkConnectGrpcException,
  SparkNoSuchElementException,
  SparkSession,
  T,
  UnknownException,
  UnsupportedOperationException,
  type DataFrame,
} from '../../client/index.js';

/**
 * Behaviours checked against Spark 4.3's own Connect server (pyspark 4.3.0): the exceptions, error
 * classes and messages a client gets, null ordering in sorts, `spark.conf.get` of unknown keys,
 * `spark.streams.get` of stopped queries, inline VALUES tables.
 */
let rt: LocalRuntime;
let server: ConnectServer;
let spark: SparkSession;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kindling-parity-'));
  rt = localRuntime({ workers: 1, conf: { 'spark.sql.shuffle.partitions': '2' } });
  server = await startConnectServer({ runtime: rt.runtime, host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }) });
  spark = await SparkSession.builder().remote(`sc://127.0.0.1:${server.port}`).getOrCreate();
});

afterAll(async () => {
  await spark?.stop();
  await server?.close();
  await rt?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The error a promise rejects with (fails the test if it resolves). */
async function failure(p: Promise<unknown>): Promise<SparkConnectGrpcException> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(SparkConnectGrpcException);
  return e as SparkConnectGrpcException;
}

const STREAMING_MSG =
  'Queries with streaming sources must be executed with writeStream.start(), or from a streaming table or flow definition within a Spark Declarative Pipeline.';

describe('batch actions on a streaming DataFrame', () => {
  it("collect, count and show raise Spark's _LEGACY_ERROR_TEMP_3102 naming the streaming source", async () => {
    const rate = spark.readStream.format('rate').load();
    for (const run of [() => rate.collect(), () => rate.count(), () => rate.select('value').show()]) {
      const e = await failure(run());
      expect(e).toBeInstanceOf(AnalysisException);
      expect(e.getCondition()).toBe('_LEGACY_ERROR_TEMP_3102');
      expect(e.getMessageParameters()).toEqual({ msg: STREAMING_MSG });
      expect(e.message).toBe(`${STREAMING_MSG};\nrate`);
    }
    const socket = spark.readStream.format('socket').option('host', 'localhost').option('port', 9).load();
    expect((await failure(socket.collect())).message).toBe(`${STREAMING_MSG};\nsocket`);
    const text = spark.readStream.text(dir);
    expect((await failure(text.collect())).message).toBe(`${STREAMING_MSG};\nFileSource[${dir}]`);
  });
});

describe('run-time data errors arrive as the Java exception classes PySpark maps', () => {
  it('divide by zero and overflow: ArithmeticException; bad casts: NumberFormatException / DateTimeException', async () => {
    const div = await failure(spark.sql('SELECT 1/0 AS x').collect());
    expect(div).toBeInstanceOf(ArithmeticException);
    expect(div.getCondition()).toBe('DIVIDE_BY_ZERO');
    expect(div.getSqlState()).toBe('22012');
    const overflow = await failure(spark.sql('SELECT 2147483647 + 1 AS x').collect());
    expect(overflow).toBeInstanceOf(ArithmeticException);
    expect(overflow.getCondition()).toBe('ARITHMETIC_OVERFLOW');
    const castOverflow = await failure(spark.sql('SELECT CAST(3000000000L AS INT) AS x').collect());
    expect(castOverflow).toBeInstanceOf(ArithmeticException);
    expect(castOverflow.getCondition()).toBe('CAST_OVERFLOW');
    const number = await failure(spark.sql("SELECT CAST('abc' AS INT) AS x").collect());
    expect(number).toBeInstanceOf(NumberFormatException);
    expect(number).toBeInstanceOf(IllegalArgumentException);
    expect(number.getCondition()).toBe('CAST_INVALID_INPUT');
    expect(number.getSqlState()).toBe('22018');
    for (const type of ['DATE', 'TIMESTAMP']) {
      const date = await failure(spark.sql(`SELECT CAST('abc' AS ${type}) AS x`).collect());
      expect(date).toBeInstanceOf(DateTimeException);
      expect(date.getCondition()).toBe('CAST_INVALID_INPUT');
    }
    expect(await failure(spark.sql('SELECT element_at(array(1, 2), 5) AS x').collect())).not.toBeInstanceOf(UnknownException);
  });
});

describe('errors that carry Spark’s error classes', () => {
  const rate = (): DataFrame => spark.readStream.format('rate').load();

  it('a memory sink without queryName: _LEGACY_ERROR_TEMP_1194', async () => {
    const e = await failure(rate().writeStream.format('memory').start());
    expect(e).toBeInstanceOf(AnalysisException);
    expect(e.getCondition()).toBe('_LEGACY_ERROR_TEMP_1194');
    expect(e.message).toBe('queryName must be specified for memory sink.');
  });

  it('an append-mode memory sink restarted from its checkpoint: _LEGACY_ERROR_TEMP_1299', async () => {
    const checkpoint = join(dir, 'append-memory');
    const q = await rate().writeStream.format('memory').queryName('append_once').option('checkpointLocation', checkpoint).start();
    await q.processAllAvailable();
    await q.stop();
    const e = await failure(rate().writeStream.format('memory').queryName('append_again').option('checkpointLocation', checkpoint).start());
    expect(e).toBeInstanceOf(AnalysisException);
    expect(e.getCondition()).toBe('_LEGACY_ERROR_TEMP_1299');
    expect(e.message).toBe(`This query does not support recovering from checkpoint location. Delete ${checkpoint}/offsets to start over.`);
  });

  it('sink formats Spark cannot stream to, or does not know', async () => {
    const unknown = await failure(rate().writeStream.format('nosuchsink').queryName('q1').start());
    expect(unknown.getCondition()).toBe('DATA_SOURCE_NOT_FOUND');
    expect(unknown.getMessageParameters()).toEqual({ provider: 'nosuchsink' });
    const readOnly = await failure(rate().writeStream.format('rate').queryName('q2').start());
    expect(readOnly).toBeInstanceOf(UnsupportedOperationException);
    expect(readOnly.getCondition()).toBe('_LEGACY_ERROR_TEMP_2049');
    expect(readOnly.message).toBe('Data source rate does not support streamed writing.');
    const kafka = await failure(rate().writeStream.format('kafka').queryName('q3').start());
    expect(kafka.getCondition()).toBe('KAFKA_DATA_SOURCE_NOT_ENABLED');
    expect(await spark.streams.active()).toEqual([]);
  });

  it('socket source options: host, port, includeTimestamp', async () => {
    const socket = (o: Record<string, string>): DataFrame => spark.readStream.format('socket').options(o).load();
    const host = await failure(socket({ port: '9' }).columns());
    expect(host.getCondition()).toBe('_LEGACY_ERROR_TEMP_1295');
    expect(host.message).toBe('Set a host to read from with option("host", ...).');
    const port = await failure(socket({ host: 'localhost' }).columns());
    expect(port.getCondition()).toBe('_LEGACY_ERROR_TEMP_1296');
    expect(port.message).toBe('Set a port to read from with option("port", ...).');
    const ts = await failure(socket({ host: 'localhost', port: '9', includeTimestamp: 'maybe' }).columns());
    expect(ts.getCondition()).toBe('_LEGACY_ERROR_TEMP_1297');
    expect(ts.message).toBe('IncludeTimestamp must be set to either "true" or "false".');
    const badPort = await failure(socket({ host: 'localhost', port: 'abc' }).columns());
    expect(badPort).toBeInstanceOf(NumberFormatException);
    expect(badPort.message).toBe('For input string: "abc"');
  });

  it('a text stream on a path that does not exist fails to start with PATH_NOT_FOUND', async () => {
    const missing = join(dir, 'no-such-dir');
    const e = await failure(spark.readStream.text(missing).writeStream.format('memory').queryName('missing_text').start());
    expect(e).toBeInstanceOf(AnalysisException);
    expect(e.getCondition()).toBe('PATH_NOT_FOUND');
    expect(e.getMessageParameters()).toEqual({ path: missing });
    expect(e.message).toBe(`[PATH_NOT_FOUND] Path does not exist: ${missing}. SQLSTATE: 42K03`);
    expect(await spark.streams.active()).toEqual([]);
  });

  it("rate source numeric options: Java's NumberFormatException for non-numbers, IllegalArgumentException for bad values", async () => {
    const rateWith = (k: string, v: string): DataFrame => spark.readStream.format('rate').option(k, v).load();
    for (const [k, v] of [
      ['rowsPerSecond', 'abc'],
      ['rowsPerSecond', '1.5'],
      ['rowsPerSecond', '99999999999999999999'],
      ['numPartitions', 'abc'],
    ] as const) {
      const e = await failure(rateWith(k, v).columns());
      expect(e).toBeInstanceOf(NumberFormatException);
      expect(e.message).toBe(`For input string: "${v}"`);
    }
    const zero = await failure(rateWith('rowsPerSecond', '0').columns());
    expect(zero).toBeInstanceOf(IllegalArgumentException);
    expect(zero).not.toBeInstanceOf(NumberFormatException);
    expect(zero.message).toBe("Invalid value '0'. The option 'rowsPerSecond' must be positive");
    const ramp = await failure(rateWith('rampUpTime', 'abc').columns());
    expect(ramp).toBeInstanceOf(NumberFormatException);
    expect(ramp.message).toBe(
      'Time must be specified as seconds (s), milliseconds (ms), microseconds (us), minutes (m or min), hour (h), or day (d). E.g. 50s, 100ms, or 250us.\nFailed to parse time string: abc',
    );
    const negative = await failure(rateWith('rampUpTime', '-1s').columns());
    expect(negative.message).toBe("Invalid value '-1'. The option 'rampUpTime' must not be negative");
    expect(await rateWith('rampUpTime', '1500ms').columns()).toEqual(['timestamp', 'value']);
  });

  it('window() over a non-timestamp column names the argument and the call', async () => {
    const e = await failure(spark.range(3).select(F.window(F.col('id').plus(1), '10 seconds')).collect());
    expect(e.getCondition()).toBe('DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE');
    expect(e.getMessageParameters()).toEqual({
      sqlExpr: '"window((id + 1), 10000000, 10000000, 0)"',
      paramIndex: 'first',
      requiredType:
        '("(TIMESTAMP OR TIMESTAMP WITHOUT TIME ZONE)" or "STRUCT<start: TIMESTAMP, end: TIMESTAMP>" or "STRUCT<start: TIMESTAMP_NTZ, end: TIMESTAMP_NTZ>")',
      inputSql: '"(id + 1)"',
      inputType: '"BIGINT"',
    });
    // A string is cast to a timestamp, as Spark's implicit cast does: a bad one fails under ANSI.
    const bad = await failure(spark.range(1).select(F.window(F.lit('notatime'), '10 seconds')).collect());
    expect(bad).toBeInstanceOf(DateTimeException);
    expect(bad.getCondition()).toBe('CAST_INVALID_INPUT');
    const ok = await spark.range(1).select(F.window(F.lit('2024-01-01 00:00:07'), '10 seconds').alias('w')).collect();
    expect(ok).toHaveLength(1);
  });
});

describe('spark.conf.get', () => {
  it('an unknown key without a default is SQL_CONF_NOT_FOUND; defaults, options and known keys still answer', async () => {
    const e = await failure(spark.conf.get('some.unknown.key'));
    expect(e).toBeInstanceOf(SparkNoSuchElementException);
    expect(e.getCondition()).toBe('SQL_CONF_NOT_FOUND');
    expect(e.getSqlState()).toBe('42K0I');
    expect(e.getMessageParameters()).toEqual({ sqlConf: '"some.unknown.key"' });
    expect(e.message).toBe('[SQL_CONF_NOT_FOUND] The SQL config "some.unknown.key" cannot be found. Please verify that the config exists. SQLSTATE: 42K0I');
    expect(await spark.conf.get('some.unknown.key', 'dflt')).toBe('dflt');
    expect(await spark.conf.get('some.unknown.key', null)).toBeNull();
    expect(await spark.conf.get('spark.sql.streaming.checkpointLocation')).toBeNull();
    expect(await spark.conf.get('spark.sql.ansi.enabled')).toBe('true');
    await spark.conf.set('my.custom.key', 'v');
    expect(await spark.conf.get('my.custom.key')).toBe('v');
    await spark.conf.unset('my.custom.key');
    expect((await failure(spark.conf.get('my.custom.key'))).getCondition()).toBe('SQL_CONF_NOT_FOUND');
  });
});

describe('spark.streams.get', () => {
  it('finds active queries only; the handle of a stopped query keeps answering', async () => {
    const q = await spark.readStream.format('rate').load().writeStream.format('memory').queryName('streams_get').start();
    expect((await spark.streams.get(q.id))?.runId).toBe(q.runId);
    await q.stop();
    expect(await spark.streams.get(q.id)).toBeNull();
    expect(await q.isActive()).toBe(false);
    expect(await q.exception()).toBeNull();
    expect(Object.keys(await q.status()).sort()).toEqual(['isDataAvailable', 'isTriggerActive', 'message']);
    await q.lastProgress();
    expect(await spark.streams.get('00000000-0000-4000-8000-000000000000')).toBeNull();
  });
});

describe('sort null ordering', () => {
  const data = (): DataFrame =>
    spark.createDataFrame([[2], [null], [1], [null], [3]], T.struct([T.field('v', T.long)]));
  const values = async (df: DataFrame): Promise<unknown[]> => (await df.collect()).map((r) => r['v']);

  it('ASC puts NULLs first, DESC last; NULLS FIRST/LAST are honoured either way', async () => {
    expect(await values(data().orderBy('v'))).toEqual([null, null, 1, 2, 3]);
    expect(await values(data().orderBy(F.asc('v')))).toEqual([null, null, 1, 2, 3]);
    expect(await values(data().orderBy(F.desc('v')))).toEqual([3, 2, 1, null, null]);
    expect(await values(data().orderBy(F.col('v').desc()))).toEqual([3, 2, 1, null, null]);
    expect(await values(data().orderBy(['v'], { ascending: false }))).toEqual([3, 2, 1, null, null]);
    expect(await values(data().orderBy(F.desc_nulls_first('v')))).toEqual([null, null, 3, 2, 1]);
    expect(await values(data().orderBy(F.col('v').desc_nulls_last()))).toEqual([3, 2, 1, null, null]);
    expect(await values(data().orderBy(F.asc_nulls_last('v')))).toEqual([1, 2, 3, null, null]);
    expect(await values(data().orderBy(F.col('v').asc_nulls_first()))).toEqual([null, null, 1, 2, 3]);
    expect(await values(data().orderBy(F.desc('v')).limit(4))).toEqual([3, 2, 1, null]);
    expect(await values(data().orderBy(F.asc_nulls_last('v')).limit(3))).toEqual([1, 2, 3]);
  });

  it('SQL ORDER BY v DESC [NULLS FIRST | LAST], with LIMIT', async () => {
    await data().createOrReplaceTempView('nulls_sorted');
    const q = async (text: string): Promise<unknown[]> => (await spark.sql(text).collect()).map((r) => r['v']);
    expect(await q('SELECT v FROM nulls_sorted ORDER BY v DESC')).toEqual([3, 2, 1, null, null]);
    expect(await q('SELECT v FROM nulls_sorted ORDER BY v DESC NULLS FIRST')).toEqual([null, null, 3, 2, 1]);
    expect(await q('SELECT v FROM nulls_sorted ORDER BY v DESC NULLS LAST LIMIT 2')).toEqual([3, 2]);
    expect(await q('SELECT v FROM nulls_sorted ORDER BY v')).toEqual([null, null, 1, 2, 3]);
    expect(await q('SELECT v FROM nulls_sorted ORDER BY v ASC NULLS LAST LIMIT 4')).toEqual([1, 2, 3, null]);
  });
});

describe('SQL inline tables (VALUES)', () => {
  it('FROM VALUES ... AS t(cols), bare VALUES, nested, filters and sorts over them', async () => {
    const rows = async (text: string): Promise<Record<string, unknown>[]> => (await spark.sql(text).collect()).map((r) => r.asDict());
    expect(await rows('SELECT * FROM VALUES (1),(2) AS t(v)')).toEqual([{ v: 1 }, { v: 2 }]);
    expect(await rows("SELECT v FROM VALUES (1, 'a'), (2, 'b') AS t(v, w) WHERE v > 1")).toEqual([{ v: 2 }]);
    expect(await rows("SELECT * FROM VALUES (1, 'a'), (2, 'b')")).toEqual([
      { col1: 1, col2: 'a' },
      { col1: 2, col2: 'b' },
    ]);
    expect(await rows('SELECT * FROM VALUES 1, 2 AS t(v)')).toEqual([{ v: 1 }, { v: 2 }]);
    expect(await rows('SELECT * FROM (VALUES (1), (2)) AS t(v)')).toEqual([{ v: 1 }, { v: 2 }]);
    expect(await rows('VALUES (1), (2)')).toEqual([{ col1: 1 }, { col1: 2 }]);
    expect(await rows('SELECT t.v FROM VALUES (-1), (+2) AS t(v)')).toEqual([{ v: -1 }, { v: 2 }]);
    expect(await rows('SELECT v * 2 AS d FROM VALUES (1), ((1 + 1) * 1), (3) AS t(v) WHERE v > 1 ORDER BY d DESC')).toEqual([
      { d: 6 },
      { d: 4 },
    ]);
    expect((await spark.sql('SELECT * FROM VALUES (:x), (:y) AS t(v)', { x: 5, y: 6 }).collect()).map((r) => r['v'])).toEqual([5, 6]);
  });

  it("types widen per column; nullability follows the values; Spark's INVALID_INLINE_TABLE errors", async () => {
    const schema = await spark.sql('SELECT * FROM VALUES (1, NULL), (2L, \'a\') AS t(v, w)').schema();
    expect(schema.fields.map((f) => [f.name, f.type.kind, f.nullable])).toEqual([
      ['v', 'long', false],
      ['w', 'string', true],
    ]);
    const mismatch = await failure(Promise.resolve(spark.sql('SELECT * FROM VALUES (1), (2, 3) AS t(v)')).then((df) => df.collect()));
    expect(mismatch).toBeInstanceOf(ParseException);
    expect(mismatch.getCondition()).toBe('INVALID_INLINE_TABLE.NUM_COLUMNS_MISMATCH');
    expect(mismatch.getMessageParameters()).toEqual({ expectedNumCols: '1', actualNumCols: '2', rowIndex: '1' });
    const types = await failure(Promise.resolve(spark.sql("SELECT * FROM VALUES (1), ('a') AS t(v)")).then((df) => df.collect()));
    expect(types.getCondition()).toBe('INVALID_INLINE_TABLE.INCOMPATIBLE_TYPES_IN_INLINE_TABLE');
    expect(types.getMessageParameters()).toEqual({ colName: '`v`' });
    const column = await failure(Promise.resolve(spark.sql('SELECT * FROM VALUES (a) AS t(v)')).then((df) => df.collect()));
    expect(column.getCondition()).toBe('UNRESOLVED_COLUMN.WITHOUT_SUGGESTION');
    const rand = await failure(Promise.resolve(spark.sql('SELECT * FROM VALUES (rand() < 2) AS t(v)')).then((df) => df.collect()));
    expect(rand.getCondition()).toBe('INVALID_INLINE_TABLE.CANNOT_EVALUATE_EXPRESSION_IN_INLINE_TABLE');
    const cast = await failure(Promise.resolve(spark.sql("SELECT * FROM VALUES (CAST('x' AS INT)) AS t(v)")).then((df) => df.collect()));
    expect(cast.getCondition()).toBe('INVALID_INLINE_TABLE.FAILED_SQL_EXPRESSION_EVALUATION');
  });
});
