import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConnectServer, type ConnectServer } from '../../master/connect/server.js';
import { localRuntime, type LocalRuntime } from '../support/local-runtime.js';
import { F, SparkSession, Window, type DataFrame } from '../../client/index.js';

let rt: LocalRuntime;
let server: ConnectServer;
let spark: SparkSession;

beforeAll(async () => {
  rt = localRuntime({ workers: 1 });
  server = await startConnectServer({ runtime: rt.runtime, host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }) });
  spark = await SparkSession.builder().remote(`sc://127.0.0.1:${server.port}`).getOrCreate();
});

afterAll(async () => {
  await spark?.stop();
  await server?.close();
  await rt?.close();
});

const values = async (df: DataFrame): Promise<unknown[][]> =>
  (await df.collect()).map((r) => r.toArray()).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));

describe('the TypeScript client: joins, windows, na, describe', () => {
  it('joins with USING, a condition, and crossJoin', async () => {
    const a = spark.sql("SELECT * FROM VALUES (1, 'x'), (2, 'y'), (3, CAST(NULL AS STRING)) AS a(id, s)");
    const b = spark.sql("SELECT * FROM VALUES (1, 'p'), (3, 'q'), (4, 'r') AS b(id, t)");
    expect(await a.join(b, 'id').columns()).toEqual(['id', 's', 't']);
    expect(await values(a.join(b, 'id', 'left'))).toEqual([[1, 'x', 'p'], [2, 'y', null], [3, null, 'q']]);
    const on = a.join(b, a.col('id').eq(b.col('id')), 'inner').select(a.col('id'), b.col('t'));
    expect(await values(on)).toEqual([[1, 'p'], [3, 'q']]);
    expect(await a.crossJoin(b).count()).toBe(9);
    expect(await values(a.join(b.hint('broadcast'), 'id', 'anti'))).toEqual([[2, 'y']]);
  });

  it('Window specs with row_number, lag and a framed sum', async () => {
    const df = spark.sql("SELECT * FROM VALUES (1, 'a', 10.0D), (1, 'b', 20.0D), (2, 'c', 5.0D) AS t(g, k, v)");
    const w = Window.partitionBy('g').orderBy(F.col('v').desc());
    const out = df.select(F.col('k'), F.row_number().over(w).alias('rn'), F.lag('v').over(w).alias('prev'));
    expect(await values(out)).toEqual([['a', 2, 20], ['b', 1, null], ['c', 1, null]]);
    const framed = df.withColumn('s', F.sum('v').over(Window.orderBy('k').rowsBetween(Window.unboundedPreceding, Window.currentRow)));
    expect((await values(framed)).map((r) => r[3])).toEqual([10, 30, 35]);
    expect(await df.select(F.rank().over(w)).columns()).toEqual([
      'RANK() OVER (PARTITION BY g ORDER BY v DESC NULLS LAST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)',
    ]);
  });

  it('rollup, cube and pivot', async () => {
    const df = spark.sql("SELECT * FROM VALUES (1, 'a', true), (2, 'b', false), (4, 'a', true) AS t(i, s, b)");
    expect(await values(df.rollup('s').agg(F.sum('i')))).toEqual([['a', 5], ['b', 2], [null, 7]]);
    expect(await df.cube('s', 'b').count().count()).toBe(7);
    const p = df.groupBy('b').pivot('s', ['a', 'b']).agg(F.sum('i'));
    expect(await p.columns()).toEqual(['b', 'a', 'b']);
    expect((await p.collect()).length).toBe(2);
  });

  it('fillna, dropna, describe, tail', async () => {
    const df = spark.sql('SELECT * FROM VALUES (1, CAST(NULL AS DOUBLE)), (2, 3.5D) AS t(i, v)');
    expect(await values(df.fillna(0))).toEqual([[1, 0], [2, 3.5]]);
    expect(await values(df.dropna())).toEqual([[2, 3.5]]);
    const d = await df.describe().collect();
    expect(d.map((r) => r.toArray())).toEqual([
      ['count', '2', '1'],
      ['mean', '1.5', '3.5'],
      ['stddev', '0.7071067811865476', null],
      ['min', '1', '3.5'],
      ['max', '2', '3.5'],
    ]);
    expect((await df.tail(1)).map((r) => r.toArray())).toEqual([[2, 3.5]]);
  });
});
