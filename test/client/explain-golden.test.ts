import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { F, SparkSession, type DataFrame, type StreamingQuery } from '../../client/index.js';
import { startConnectServer, type ConnectServer } from '../../master/connect/server.js';
import { localRuntime, type LocalRuntime } from '../support/local-runtime.js';
import { eventually } from '../support/eventually.js';

/**
 * Golden explain() texts of the README's seed queries (`wordcounts`, `catpm`): `df.explain(mode)`
 * on the streaming DataFrames, on the same transformations of a batch DataFrame, and a started
 * query's `explain()` / `explain(true)` after its first batch. What varies between runs (the
 * socket's port, the batch timestamp, the checkpoint directory, the run id) is replaced by a
 * placeholder. Regenerate with `KINDLING_UPDATE_GOLDEN=1 npx vitest run test/client/explain-golden.test.ts`.
 */
const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), 'golden', 'explain');
const UPDATE = process.env['KINDLING_UPDATE_GOLDEN'] === '1';

function normalize(text: string): string {
  return text
    .replace(/port=\d+/g, 'port=<port>')
    .replace(/port: \d+/g, 'port: <port>')
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?/g, '<batch timestamp>')
    .replace(/checkpoint = \S+\/state/g, 'checkpoint = <checkpoint>/state')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<runId>');
}

/**
 * A started query's text names the batch it shows (`epoch: N`, `ver = N`): checked against the
 * query's last batch, then replaced, as whether the lines land in batch 0 or 1 is up to timing.
 */
async function batchNormalized(q: StreamingQuery, text: string): Promise<string> {
  const batchId = (await q.lastProgress())?.['batchId'];
  expect(typeof batchId).toBe('number');
  const epochs = [...text.matchAll(/epoch: (\d+)|ver = (\d+)/g)].map((m) => Number(m[1] ?? m[2]));
  expect(epochs.length).toBeGreaterThan(0);
  expect(new Set(epochs)).toEqual(new Set([batchId]));
  return text.replace(/epoch: \d+/g, 'epoch: <batchId>').replace(/ver = \d+/g, 'ver = <batchId>');
}

function expectGolden(name: string, text: string): void {
  const file = join(GOLDEN, `${name}.txt`);
  const actual = normalize(text);
  if (UPDATE || !existsSync(file)) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, actual);
    if (!UPDATE) throw new Error(`wrote the missing golden ${file}; check it and run again`);
    return;
  }
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

let rt: LocalRuntime;
let server: ConnectServer;
let lineServer: NetServer;
let linePort = 0;
const sockets = new Set<Socket>();
let spark: SparkSession;

beforeAll(async () => {
  rt = localRuntime({ workers: 2, conf: { 'spark.sql.shuffle.partitions': '4' } });
  server = await startConnectServer({ runtime: rt.runtime, host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }) });
  // One write per connection, once the query is connected: its first batch holds all the lines.
  lineServer = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.write('cat dog cat\nfish cat\n');
  });
  await new Promise<void>((resolve) => lineServer.listen(0, '127.0.0.1', resolve));
  linePort = (lineServer.address() as { port: number }).port;
  spark = await SparkSession.builder().remote(`sc://127.0.0.1:${server.port}`).appName('streaming-exercise').getOrCreate();
});

afterAll(async () => {
  await spark?.stop();
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => lineServer?.close(() => resolve()));
  await server?.close();
  await rt?.close();
});

/** The README's seed queries over `lines`. */
function seed(lines: DataFrame): { wordCounts: DataFrame; catpm: DataFrame } {
  const words = lines.select(F.explode(F.split(lines.col('value'), ' ')).alias('word'));
  const wwt = words.withColumn('timestamp', F.current_timestamp()).withWatermark('timestamp', '5 seconds');
  const catpm = wwt
    .groupBy(F.window('timestamp', '60 seconds', '5 seconds'), 'word')
    .agg(F.count('word').alias('cats per minute'))
    .drop('word');
  const wordCounts = wwt.groupBy(F.window('timestamp', '60 seconds', '30 seconds'), 'word').count();
  return { wordCounts, catpm };
}

function streamingSeed(): { wordCounts: DataFrame; catpm: DataFrame } {
  return seed(spark.readStream.format('socket').option('host', '127.0.0.1').option('port', linePort).load());
}

describe('explain() of the seed queries (golden)', () => {
  it('df.explain() of the streaming DataFrames: the incremental plan and the stages', async () => {
    const { wordCounts, catpm } = streamingSeed();
    expectGolden('wordcounts.df.simple', await wordCounts.explainString());
    expectGolden('wordcounts.df.extended', await wordCounts.explainString('extended'));
    expectGolden('wordcounts.df.formatted', await wordCounts.explainString('formatted'));
    expectGolden('catpm.df.simple', await catpm.explainString());
    // The other modes: cost prints the optimized plan with statistics, codegen says there is none.
    const cost = await wordCounts.explainString('cost');
    expect(cost.split('\n').filter((l) => l.startsWith('== '))).toEqual(['== Optimized Logical Plan ==', '== Physical Plan ==']);
    expect(cost).toContain('~EventTimeWatermark timestamp#2: timestamp, 5 seconds, Statistics(sizeInBytes=');
    expect(await wordCounts.explainString('codegen')).toMatch(/^Found 0 WholeStageCodegen subtrees\.\n== Physical Plan ==\n/);
  });

  it('df.explain() of the same transformations over a batch DataFrame', async () => {
    const { wordCounts, catpm } = seed(spark.createDataFrame([['cat dog cat'], ['fish cat']], 'value string'));
    expectGolden('wordcounts.batch.simple', await wordCounts.explainString());
    expectGolden('catpm.batch.extended', await catpm.explainString(true));
  });

  it("a started query's explain() after its first batch, and explain(true)", async () => {
    const { wordCounts, catpm } = streamingSeed();
    const queries: StreamingQuery[] = [];
    try {
      const wc = await wordCounts.writeStream.outputMode('complete').format('memory').queryName('wordcounts').start();
      queries.push(wc);
      const cp = await catpm.writeStream.outputMode('complete').format('memory').queryName('catpm').start();
      queries.push(cp);
      for (const q of queries) {
        // The first batch has run (explain shows its physical plan), or a timeout names the query.
        await eventually(async () => (await q.lastProgress()) !== null, { timeoutMs: 5000, intervalMs: 25, message: `a first batch of ${q.name ?? q.id}` }).catch(() => undefined);
        await q.processAllAvailable();
      }
      expectGolden('wordcounts.query.simple', await batchNormalized(wc, await wc.explainString()));
      expectGolden('wordcounts.query.extended', await batchNormalized(wc, await wc.explainString(true)));
      expectGolden('catpm.query.simple', await batchNormalized(cp, await cp.explainString()));
    } finally {
      for (const q of queries) await q.stop();
    }
  });
});
