import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionError } from '../../engine/errors/errors.js';
import { OwnershipKeys, StateKeys } from '../../infra/redis/keys.js';
import { rebalance } from '../../master/execution/partition-ownership.js';
import { RedisOwnershipStore } from '../../master/execution/redis-ownership-store.js';
import { RedisServer } from '../support/redis-server.js';

let server: RedisServer;
let redis: Redis;
let store: RedisOwnershipStore;

beforeAll(async () => {
  server = await RedisServer.start();
  redis = new Redis(server.url);
  store = new RedisOwnershipStore(redis);
});

afterAll(async () => {
  redis.disconnect();
  await server.close();
});

const epochsInState = (checkpoint: string, n: number): Promise<(string | null)[]> =>
  Promise.all(Array.from({ length: n }, (_, p) => redis.hget(StateKeys.meta(checkpoint, 0, p), 'epoch')));

describe('RedisOwnershipStore', () => {
  it('sets, gets and deletes a query ownership', async () => {
    expect(await store.get('q1')).toBeUndefined();
    const o = rebalance(undefined, 4, ['w1', 'w2']);
    expect(await store.set('q1', o)).toEqual(o);
    expect(await store.get('q1')).toEqual(o);
    expect(JSON.parse((await redis.get(OwnershipKeys.owners('q1'))) as string)).toEqual({ owners: o.owners, epochs: o.epochs });
    await store.delete('q1', 0);
    expect(await store.get('q1')).toBeUndefined();
  });

  it('raises the epoch in each partition state meta before recording, as the state fencing expects', async () => {
    const first = rebalance(undefined, 4, ['w1', 'w2']);
    expect(first.epochs).toEqual([1, 1, 1, 1]);
    await redis.hset(StateKeys.meta('cp-a', 0, 0), 'lastBatch', '7');
    const recorded = await store.set('qa', first, 'cp-a');
    expect(recorded).toEqual(first);
    expect(await epochsInState('cp-a', 4)).toEqual(['1', '1', '1', '1']);
    expect(await redis.hget(StateKeys.meta('cp-a', 0, 0), 'lastBatch')).toBe('7');

    // w2 leaves: its partitions move to w1 with epoch 2; w1's partitions keep epoch 1.
    const second = rebalance(first, 4, ['w1']);
    const recorded2 = await store.set('qa', second, 'cp-a');
    expect(recorded2).toEqual(second);
    const expected = second.epochs.map(String);
    expect(await epochsInState('cp-a', 4)).toEqual(expected);
    expect(expected.filter((e) => e === '2')).toHaveLength(2);
    expect(await store.get('qa')).toEqual(second);
  });

  it('never lowers an epoch, and gives a new owner a strictly newer one after the ownership was forgotten', async () => {
    for (let p = 0; p < 3; p++) await redis.hset(StateKeys.meta('cp-b', 0, p), 'epoch', '5');
    // The query was stopped (ownership deleted) and restarts: the scheduler proposes epoch 1 again.
    const proposed = rebalance(undefined, 3, ['w1', 'w2']);
    const recorded = await store.set('qb', proposed, 'cp-b');
    expect(recorded.owners).toEqual(proposed.owners);
    expect(recorded.epochs).toEqual([6, 6, 6]);
    expect(await epochsInState('cp-b', 3)).toEqual(['6', '6', '6']);
    expect(await store.get('qb')).toEqual(recorded);

    // Same owners again (nothing moved) with a lower epoch: kept as they are in Redis.
    const lower = { owners: recorded.owners, epochs: [1, 1, 1] };
    expect((await store.set('qb', lower, 'cp-b')).epochs).toEqual([6, 6, 6]);
    expect(await epochsInState('cp-b', 3)).toEqual(['6', '6', '6']);

    // A higher epoch is taken as is.
    const higher = { owners: recorded.owners, epochs: [9, 6, 6] };
    expect((await store.set('qb', higher, 'cp-b')).epochs).toEqual([9, 6, 6]);
    expect(await epochsInState('cp-b', 3)).toEqual(['9', '6', '6']);
  });

  it('records owners without touching state when no checkpoint is given', async () => {
    const before = await redis.dbsize();
    await store.set('qc', rebalance(undefined, 2, ['w1']));
    expect(await redis.dbsize()).toBe(before + 1);
    expect(await store.get('qc')).toEqual({ owners: ['w1', 'w1'], epochs: [1, 1] });
  });

  it('fails clearly on an ownership entry it cannot parse', async () => {
    await redis.set(OwnershipKeys.owners('qbad'), '{"owners":["w1"],"epochs":[]}');
    await expect(store.get('qbad')).rejects.toThrow(ExecutionError);
    await expect(store.get('qbad')).rejects.toThrow(/Cannot parse the partition ownership/);
  });
});
