import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionError } from '../../engine/errors/errors.js';
import { CheckpointKeys, StateKeys } from '../../infra/redis/keys.js';
import type { OffsetSeq } from '../../master/streaming/checkpoint/checkpoint-store.js';
import { RedisCheckpointStore, RedisCheckpointStoreFactory } from '../../master/streaming/checkpoint/redis-checkpoint.js';
import { RedisServer } from '../support/redis-server.js';

let server: RedisServer;
let redis: Redis;
let factory: RedisCheckpointStoreFactory;

beforeAll(async () => {
  server = await RedisServer.start({ appendfsync: 'always' });
  redis = new Redis(server.url);
  factory = new RedisCheckpointStoreFactory(redis);
});

afterAll(async () => {
  redis.disconnect();
  await server.close();
});

const seq = (batchTimestampMs: number, offset: unknown, batchWatermarkMs = 0): OffsetSeq => ({
  batchWatermarkMs,
  batchTimestampMs,
  conf: { 'spark.sql.shuffle.partitions': '4' },
  offsets: [offset],
});

describe('RedisCheckpointStore', () => {
  it('writes offsets once, in Spark v1 text, and finds the latest', async () => {
    const cp = await factory.open('offsets-once', false);
    expect(await cp.offsets.latest()).toBeUndefined();
    expect(await cp.offsets.add(0, seq(1000, 4))).toBe(true);
    expect(await cp.offsets.add(0, seq(2000, 9))).toBe(false);
    expect(await cp.offsets.get(0)).toEqual(seq(1000, 4));
    expect(await cp.offsets.add(1, seq(3000, { logOffset: 7 }, 500))).toBe(true);
    expect(await cp.offsets.add(2, { ...seq(4000, null) })).toBe(true);
    expect(await cp.offsets.get(5)).toBeUndefined();

    const raw = await redis.hget(CheckpointKeys.offsets('offsets-once'), '1');
    expect(raw).toBe(
      'v1\n{"batchWatermarkMs":500,"batchTimestampMs":3000,"conf":{"spark.sql.shuffle.partitions":"4"}}\n{"logOffset":7}',
    );
    expect(await redis.hget(CheckpointKeys.offsets('offsets-once'), '2')).toMatch(/\n-$/);
    expect(await cp.offsets.latest()).toEqual({ batchId: 2, value: seq(4000, null) });
  });

  it('orders batch ids numerically and purges below a batch id', async () => {
    const cp = await factory.open('purge', false);
    for (const id of [0, 1, 2, 9, 10, 11]) await cp.commits.add(id, { nextBatchWatermarkMs: id * 10 });
    expect(await cp.commits.latest()).toEqual({ batchId: 11, value: { nextBatchWatermarkMs: 110 } });
    expect(await redis.hget(CheckpointKeys.commits('purge'), '9')).toBe('v1\n{"nextBatchWatermarkMs":90}');
    await cp.commits.purge(10);
    expect((await redis.hkeys(CheckpointKeys.commits('purge'))).sort()).toEqual(['10', '11']);
    expect(await cp.commits.get(9)).toBeUndefined();
    expect(await cp.commits.latest()).toEqual({ batchId: 11, value: { nextBatchWatermarkMs: 110 } });
    // Later purges delete by id from where the last one stopped (no listing), one batch at a time or more.
    await cp.commits.add(12, { nextBatchWatermarkMs: 120 });
    await cp.commits.purge(10);
    await cp.commits.purge(11);
    expect((await redis.hkeys(CheckpointKeys.commits('purge'))).sort()).toEqual(['11', '12']);
    await cp.commits.purge(13);
    expect(await redis.hkeys(CheckpointKeys.commits('purge'))).toEqual([]);
  });

  it('writes metadata once', async () => {
    const cp = await factory.open('meta', false);
    expect(await cp.readMetadata()).toBeUndefined();
    expect(await cp.writeMetadata({ id: 'first' })).toEqual({ id: 'first' });
    expect(await cp.writeMetadata({ id: 'second' })).toEqual({ id: 'first' });
    expect(await (await factory.open('meta', false)).readMetadata()).toEqual({ id: 'first' });
  });

  it('keeps source metadata write-once per source', async () => {
    const cp = await factory.open('source-meta', false);
    const s0 = cp.sourceMetadata(0);
    expect(await s0.get('startTimeMs')).toBeUndefined();
    expect(await s0.putIfAbsent('startTimeMs', '100')).toBe('100');
    expect(await s0.putIfAbsent('startTimeMs', '200')).toBe('100');
    expect(await s0.get('startTimeMs')).toBe('100');
    expect(await cp.sourceMetadata(1).get('startTimeMs')).toBeUndefined();
  });

  it('fails with an ExecutionError naming a log entry it cannot parse', async () => {
    const cp = await factory.open('garbage', false);
    await redis.hset(CheckpointKeys.offsets('garbage'), '3', 'v1\n{not json');
    await redis.hset(CheckpointKeys.commits('garbage'), '3', 'v9\n{}');
    await expect(cp.offsets.get(3)).rejects.toThrow(ExecutionError);
    await expect(cp.offsets.latest()).rejects.toThrow('Cannot parse checkpoint log entry offsets/3 of checkpoint garbage');
    await expect(cp.commits.get(3)).rejects.toThrow('Cannot parse checkpoint log entry commits/3 of checkpoint garbage');
    await redis.set(CheckpointKeys.metadata('garbage'), '[1,2]');
    await expect(cp.readMetadata()).rejects.toThrow(/Cannot parse the metadata of checkpoint garbage/);
  });

  it('destroy removes every key of the checkpoint and its state, and nothing else', async () => {
    const names = ['doomed', 'doomed*', 'doomed2'];
    for (const name of names) {
      const cp = await factory.open(name, true);
      await cp.writeMetadata({ id: name });
      await cp.offsets.add(0, seq(1, 0));
      await cp.commits.add(0, { nextBatchWatermarkMs: 0 });
      await cp.sourceMetadata(0).putIfAbsent('x', 'y');
      await cp.lineLog(0).append(['a', 'b']);
      for (let p = 0; p < 3; p++) {
        await redis.hset(StateKeys.rows(name, 0, p), 'k', 'v');
        await redis.hset(StateKeys.meta(name, 0, p), 'epoch', '1', 'lastBatch', '0');
        await redis.set(StateKeys.output(name, 0, p), '[]');
      }
    }
    const keysOf = async (name: string): Promise<string[]> => [
      ...(await redis.keys(`*{cp:${encodeURIComponent(name)}}*`)),
      ...(await redis.keys(`*{st:${encodeURIComponent(name)}:*`)),
    ];
    expect(await keysOf('doomed')).toHaveLength(6 + 9);
    await (await factory.open('doomed*', true)).destroy();
    expect((await redis.keys('*')).filter((k) => k.includes('doomed*'))).toEqual([]);
    expect(await keysOf('doomed')).toHaveLength(15);
    await (await factory.open('doomed', true)).destroy();
    expect(await redis.keys('*{cp:doomed}*')).toEqual([]);
    expect(await redis.keys('*{st:doomed:*')).toEqual([]);
    expect(await redis.keys('*{cp:doomed2}*')).toHaveLength(6);
    expect(await redis.keys('*{st:doomed2:*')).toHaveLength(9);
  });

  it('gives temporary checkpoints fresh names', async () => {
    const a = factory.temporaryLocation();
    const b = factory.temporaryLocation();
    expect(a).not.toBe(b);
    const cp = await factory.open(a, true);
    expect(cp).toBeInstanceOf(RedisCheckpointStore);
    expect(cp.temporary).toBe(true);
    expect(cp.location).toBe(a);
  });

  it('keeps everything across a kill -9 of Redis (appendfsync always)', async () => {
    const cp = await factory.open('durable', false);
    await cp.writeMetadata({ id: 'q' });
    await cp.offsets.add(0, seq(10, 5));
    await cp.commits.add(0, { nextBatchWatermarkMs: 7 });
    await cp.sourceMetadata(0).putIfAbsent('startTimeMs', '42');
    await cp.lineLog(0).append(['one', 'two\tthree']);
    await server.restart(true);
    const again = await factory.open('durable', false);
    expect(await again.readMetadata()).toEqual({ id: 'q' });
    expect(await again.offsets.latest()).toEqual({ batchId: 0, value: seq(10, 5) });
    expect(await again.commits.get(0)).toEqual({ nextBatchWatermarkMs: 7 });
    expect(await again.sourceMetadata(0).get('startTimeMs')).toBe('42');
    expect(await again.lineLog(0).read(0, 2)).toEqual(['one', 'two\tthree']);
    // The existing client reconnected on its own.
    expect(await cp.offsets.get(0)).toEqual(seq(10, 5));
  });

  it('reports Redis being down as a retryable ExecutionError', async () => {
    const dead = await RedisServer.start();
    const client = new Redis(dead.url, { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    client.on('error', () => undefined);
    const cp = await new RedisCheckpointStoreFactory(client).open('down', false);
    await cp.offsets.add(0, seq(1, 1));
    await dead.close();
    const err = await cp.offsets.latest().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ExecutionError);
    expect((err as ExecutionError).retryable).toBe(true);
    expect((err as Error).message).toMatch(/Redis failed while listing offsets of checkpoint down/);
    client.disconnect();
  });
});
