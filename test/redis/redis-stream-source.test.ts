import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchToRows, type RecordBatch } from '../../engine/batch/record-batch.js';
import { splitStreamRange, type RedisStreamSplitConfig } from '../../engine/connectors/redis-stream/stream-entry.js';
import type { InputSplit } from '../../engine/connectors/split.js';
import { AnalysisError, NotSupportedError } from '../../engine/errors/errors.js';
import { E } from '../../engine/expr/expr.js';
import type { EvalContext } from '../../engine/functions/function.js';
import type { LogicalPlan } from '../../engine/plan/logical-plan.js';
import { CheckpointKeys } from '../../infra/redis/keys.js';
import { T } from '../../engine/types/data-type.js';
import { systemClock } from '../../engine/util/clock.js';
import { redisStreamSourceProvider, type RedisStreamSourceProvider } from '../../master/sources/redis-stream-source.js';
import { RedisCheckpointStoreFactory } from '../../master/streaming/checkpoint/redis-checkpoint.js';
import type { StreamingQuery } from '../../master/streaming/streaming-query.js';
import { redisStreamSplitReader, type RedisStreamSplitReader } from '../../worker/sources/redis-stream-reader.js';
import { RedisServer } from '../support/redis-server.js';
import { redisRuntime, type RedisRuntime } from './redis-runtime.js';
import { eventually } from '../support/eventually.js';

let server: RedisServer;
let redis: Redis;
let provider: RedisStreamSourceProvider;
let reader: RedisStreamSplitReader;
let rt: RedisRuntime;
const opened: string[] = [];

beforeAll(async () => {
  server = await RedisServer.start();
  redis = new Redis(server.url);
  const connect = (url: string): Redis => {
    opened.push(url);
    return new Redis(url);
  };
  provider = redisStreamSourceProvider(connect);
  reader = redisStreamSplitReader(connect);
  rt = redisRuntime(server.url, { sources: [provider], readers: [reader] });
});

afterAll(async () => {
  await rt.close();
  await provider.close();
  await reader.close();
  redis.disconnect();
  await server.close();
});

const events = (options: Record<string, string>): LogicalPlan => ({
  kind: 'project',
  input: {
    kind: 'read',
    source: { type: 'dataSource', format: 'redis', options: { url: server.url, ...options }, paths: [] },
    isStreaming: true,
  },
  exprs: [E.col('id'), E.col('timestamp'), E.alias(E.call('element_at', [E.col('fields'), E.lit('word', T.string)]), 'word'), E.col('fields')],
});

function start(table: string, checkpointLocation: string, options: Record<string, string>): Promise<StreamingQuery> {
  return rt.session.startStream({
    input: events(options),
    format: 'memory',
    options: { checkpointLocation, '_kindling.test.recoverMemorySink': 'true' },
    outputMode: 'append',
    queryName: table,
    trigger: { kind: 'default' },
  });
}

type Row = [string, number, string | null, Record<string, string>];
const plain = (batch: RecordBatch): Row[] =>
  batchToRows(batch).map(([id, ts, word, fields]) => [
    id as string,
    ts as number,
    word as string | null,
    Object.fromEntries(fields as Map<string, string>),
  ]);
const table = (name: string): Row[] => {
  const s = rt.session.catalog.memorySink(name);
  return s ? plain(s.snapshot()) : [];
};
const row = (id: string, fields: Record<string, string>): Row => [id, Number(id.split('-')[0]) * 1000, fields['word'] ?? null, fields];

describe('the redis stream source', () => {
  it('checks its options', () => {
    expect(() => provider.schema({ url: server.url }, undefined, true)).toThrow(AnalysisError);
    expect(() => provider.schema({ key: 'k' }, undefined, true)).toThrow(/option\("url"/);
    expect(() => provider.schema({ url: 'http://x', key: 'k' }, undefined, true)).toThrow(AnalysisError);
    expect(() => provider.schema({ url: server.url, key: 'k', startId: 'soon' }, undefined, true)).toThrow(/Invalid startId 'soon'/);
    expect(() => provider.schema({ url: server.url, key: 'k' }, undefined, false)).toThrow(NotSupportedError);
    const schema = provider.schema({ url: server.url, key: 'k', startId: '0-0' }, undefined, true);
    expect(schema.fields.map((f) => `${f.name}:${f.type.kind}`)).toEqual(['id:string', 'timestamp:timestamp', 'fields:map']);
  });

  it('reads entries in batches and replays an uncommitted batch with the same rows', async () => {
    await redis.xadd('events', '1000-1', 'word', 'a', 'n', '1');
    await redis.xadd('events', '1000-2', 'word', 'b');
    await redis.xadd('events', '2000-0', 'other', 'x');
    const q1 = await start('ev', 'ev-cp', { key: 'events', startId: '0-0' });
    const first = [row('1000-1', { word: 'a', n: '1' }), row('1000-2', { word: 'b' }), row('2000-0', { other: 'x' })];
    await eventually(() => table('ev').length === 3, 'the first entries');
    expect(table('ev')).toEqual(first);
    await redis.multi().xadd('events', '3000-0', 'word', 'd').xadd('events', '5000-7', 'word', 'e', 'tab', 'x\ty').exec();
    const second = [row('3000-0', { word: 'd' }), row('5000-7', { word: 'e', tab: 'x\ty' })];
    await eventually(() => table('ev').length === 5, 'the second entries');
    expect(plain(rt.session.catalog.memorySink('ev')?.lastBatch() as RecordBatch)).toEqual(second);
    await q1.stop();
    expect(q1.exception()).toBeUndefined();

    const offsets = await redis.hgetall(CheckpointKeys.offsets('ev-cp'));
    const last = Math.max(...Object.keys(offsets).map(Number));
    expect(offsets[String(last)]?.split('\n')[2]).toBe('"5000-7"');

    // Crash before the commit of the last batch: the restart re-reads exactly its entries.
    await redis.hdel(CheckpointKeys.commits('ev-cp'), String(last));
    const q2 = await start('ev', 'ev-cp', { key: 'events', startId: '0-0' });
    await eventually(() => table('ev').length === 2, 'the replayed batch');
    expect(table('ev')).toEqual(second);
    // The sink holds the rows before the batch's commit is written and its progress reported.
    await eventually(() => q2.recentProgress().length > 0, 'the replayed batch to report progress');
    expect(q2.recentProgress()[0]?.batchId).toBe(last);
    await redis.xadd('events', '6000-0', 'word', 'f');
    await eventually(() => table('ev').length === 3, 'an entry after the restart');
    expect(table('ev')[2]).toEqual(row('6000-0', { word: 'f' }));
    await q2.stop();
    expect(new Set(opened)).toEqual(new Set([server.url]));
  });

  it("starts after the stream's last entry with startId '$', and keeps that start across restarts", async () => {
    await redis.xadd('later', '1-0', 'word', 'old1');
    await redis.xadd('later', '2-0', 'word', 'old2');
    const q1 = await start('later', 'later-cp', { key: 'later', startId: '$' });
    await eventually(async () => (await redis.hget(CheckpointKeys.sourceMetadata('later-cp', 0), 'startId')) === '2-0', 'the start id');
    await redis.xadd('later', '3-0', 'word', 'new3');
    await eventually(() => table('later').length === 1, 'the new entry');
    expect(table('later')).toEqual([row('3-0', { word: 'new3' })]);
    await q1.stop();
    await redis.xadd('later', '4-0', 'word', 'while-stopped');
    const q2 = await start('later', 'later-cp', { key: 'later', startId: '$' });
    await eventually(() => table('later').length === 1, 'the entry added while stopped');
    expect(table('later')).toEqual([row('4-0', { word: 'while-stopped' })]);
    await q2.stop();

    const all = await start('later_all', 'later-all-cp', { key: 'later', startId: '0-0' });
    await eventually(() => table('later_all').length === 4, 'every entry');
    expect(table('later_all').map((r) => r[2])).toEqual(['old1', 'old2', 'new3', 'while-stopped']);
    await all.stop();
  });

  it('fails clearly when the entries of a batch were trimmed away, unless failOnDataLoss is false', async () => {
    await redis.xadd('trimmed', '1-0', 'word', 'a');
    await redis.xadd('trimmed', '2-0', 'word', 'b');
    const q1 = await start('trim', 'trim-cp', { key: 'trimmed', startId: '0-0' });
    await eventually(() => table('trim').length === 2, 'the first entries');
    await q1.stop();
    await redis.xtrim('trimmed', 'MAXLEN', 0);
    await redis.xadd('trimmed', '3-0', 'word', 'c');
    await redis.xadd('trimmed', '4-0', 'word', 'd');
    const q2 = await start('trim', 'trim-cp', { key: 'trimmed', startId: '0-0' });
    await expect(q2.awaitTermination(30_000)).rejects.toThrow(/Cannot replay entries \(2-0, 4-0\] of Redis stream trimmed: they were trimmed/);

    const q3 = await start('trim_lax', 'trim-cp', { key: 'trimmed', startId: '0-0', failOnDataLoss: 'false' });
    await eventually(() => table('trim_lax').length === 2, 'what is left');
    expect(table('trim_lax').map((r) => r[0])).toEqual(['3-0', '4-0']);
    await q3.stop();
  });
});

describe('redis stream splits', () => {
  const ctx = {} as EvalContext;
  const split = (config: Omit<RedisStreamSplitConfig, 'url'>): InputSplit => ({ reader: 'redis-stream', config: { url: server.url, ...config } });

  it('reads a range in chunks of XRANGE and checks that the end entry is still there', async () => {
    const pipeline = redis.pipeline();
    for (let i = 1; i <= 25_000; i++) pipeline.xadd('many', `${i}-0`, 'i', String(i));
    await pipeline.exec();
    const batches = await reader.read(split({ key: 'many', after: '0-0', to: '25000-0', toExists: true, failOnDataLoss: true }), ctx);
    expect(batches.map((b) => b.numRows)).toEqual([10_000, 10_000, 5_000]);
    const ids = batches.flatMap((b) => batchToRows(b).map((r) => r[0]));
    expect(ids[0]).toBe('1-0');
    expect(ids.at(-1)).toBe('25000-0');
    expect(new Set(ids).size).toBe(25_000);
    const middle = await reader.read(split({ key: 'many', after: '100-0', to: '103-0', toExists: true, failOnDataLoss: true }), ctx);
    expect(middle.flatMap((b) => batchToRows(b).map((r) => r[0]))).toEqual(['101-0', '102-0', '103-0']);
    await expect(
      reader.read(split({ key: 'many', after: '24990-0', to: '25001-0', toExists: true, failOnDataLoss: true }), ctx),
    ).rejects.toThrow(/entry 25001-0 is gone/);
  });

  it('cuts a batch into time ranges that cover every entry exactly once', async () => {
    const ids: string[] = [];
    const pipeline = redis.pipeline();
    for (let ms = 10; ms <= 2_000; ms += 7) {
      for (let seq = 0; seq < 3; seq++) {
        ids.push(`${ms}-${seq}`);
        pipeline.xadd('spread', `${ms}-${seq}`, 'v', 'x');
      }
    }
    await pipeline.exec();
    const stream = provider.createStream?.(
      { url: server.url, key: 'spread', startId: '10-1' },
      undefined,
      {
        clock: systemClock,
        metadata: (await new RedisCheckpointStoreFactory(redis).open('spread-cp', false)).sourceMetadata(0),
        lineLog: () => {
          throw new Error('unused');
        },
        log: pino({ level: 'silent' }),
        parallelism: () => 4,
      },
    );
    if (!stream) throw new Error('no stream');
    const end = await stream.latestOffset();
    expect(end).toBe(ids.at(-1));
    const splits = await stream.planSplits(null, end as string);
    expect(splits).toHaveLength(4);
    const read = (await Promise.all(splits.map((s) => reader.read(s, ctx)))).flat().flatMap((b) => batchToRows(b).map((r) => r[0]));
    expect(read).toEqual(ids.slice(2));
    expect(splitStreamRange('5-3', '5-9', 8)).toEqual([{ after: '5-3', to: '5-9' }]);
    expect(splitStreamRange('0-0', '4-0', 2)).toEqual([
      { after: '0-0', to: '2-18446744073709551615' },
      { after: '2-18446744073709551615', to: '4-0' },
    ]);
  });
});
