import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionError } from '../../engine/errors/errors.js';
import type { MergeOp } from '../../engine/functions/function.js';
import { StateKeys } from '../../infra/redis/keys.js';
import type { StateBatch } from '../../engine/state/state-store.js';
import { rebalance } from '../../master/execution/partition-ownership.js';
import { RedisOwnershipStore } from '../../master/execution/redis-ownership-store.js';
import { RedisStateStoreProvider, STATE_STORE_REDIS_OPTIONS } from '../../worker/state/redis/redis-state-store.js';
import { RedisServer } from '../support/redis-server.js';
import { ReferenceState } from './reference-state.js';
import { callsDelta, commandCalls, recordingLog, ReplyCuttingProxy, retrying, wordRows } from './redis-support.js';
import { batch, canon, digest, digestResult, row } from './state-store.contract.js';
import { eventually, letTimePass } from '../support/eventually.js';

const S = 1_000_000;
let server: RedisServer;
let admin: Redis;

beforeAll(async () => {
  server = await RedisServer.start({ appendfsync: 'always' });
  admin = new Redis(server.url, { maxRetriesPerRequest: null });
  admin.on('error', () => undefined);
});

afterAll(async () => {
  admin.disconnect();
  await server.close();
});

/**
 * Batch `b` of a watermarked stream of `n` rows: half in the newest window (keys shifted so most
 * merge), a quarter in the window the watermark closes now (merged, then evicted), a quarter late.
 */
function streamBatch(b: number, n: number): StateBatch {
  const w = (i: number): number => (b + i) * 10 * S;
  const rows = [...wordRows(n / 2, w(10), b * 100), ...wordRows(n / 4, w(9), b * 50), ...wordRows(n / 4, w(8))];
  return batch(b, rows, { lateBeforeUs: w(8), evictBeforeUs: w(9), emit: b % 2 === 0 ? 'updated' : 'evicted' });
}

describe('Redis state store under connection faults', () => {
  it('a reply lost after the script ran is resent by ioredis and answered from the record, not applied twice', async () => {
    const proxy = await ReplyCuttingProxy.start(server.port);
    const client = new Redis(proxy.url, STATE_STORE_REDIS_OPTIONS);
    client.on('error', () => undefined);
    const provider = new RedisStateStoreProvider(client, recordingLog());
    const model = new ReferenceState();
    try {
      const store = await provider.open({ checkpoint: 'faults/cut', operatorId: 0, partition: 0, epoch: 1 });
      const b0 = batch(0, wordRows(2000, 100 * S));
      expect(digestResult(await store.applyBatch(b0))).toEqual(digestResult(model.apply(b0)));
      const b1 = batch(1, wordRows(3000, 100 * S));
      const before = await commandCalls(admin);
      proxy.cutNextReply = true;
      const r = await store.applyBatch(b1);
      const delta = callsDelta(before, await commandCalls(admin));
      expect(proxy.cuts).toBe(1);
      // Ran once, then the resend found batch 1 recorded.
      expect(delta['evalsha']).toBe(2);
      expect(r.replayed).toBe(true);
      expect(digestResult(r)).toEqual(digestResult(model.apply(b1)));
      expect(digest(await store.rows())).toEqual(digest(model.rows()));
    } finally {
      await provider.close();
      client.disconnect();
      await proxy.close();
    }
  });

  it('CLIENT KILL of the store connection while a big apply is in flight leaves exact state', async () => {
    const client = new Redis(server.url, STATE_STORE_REDIS_OPTIONS);
    client.on('error', () => undefined);
    const provider = new RedisStateStoreProvider(client, recordingLog());
    const model = new ReferenceState();
    const ops: MergeOp[] = ['sum', 'max'];
    // Wide rows make the request (~8 MB) larger than the socket buffers: the kill lands mid-transfer.
    const pad = 'v'.repeat(1000);
    const input = (b: number, n: number): StateBatch =>
      batch(b, wordRows(n, 100 * S, b * 1000).map((r, i) => ({ ...r, buffers: [1, `${pad}${b}-${i}`] })), { mergeOps: ops });
    const meta = StateKeys.meta('faults/kill', 0, 0);
    try {
      const store = await provider.open({ checkpoint: 'faults/kill', operatorId: 0, partition: 0, epoch: 1 });
      const b0 = input(0, 100);
      await store.applyBatch(b0);
      model.apply(b0);

      // 1. Killed while the request is still being sent and read: the resend is the only run.
      const b1 = input(1, 8000);
      let id = String(await client.client('ID'));
      let before = await commandCalls(admin);
      const first = store.applyBatch(b1);
      first.catch(() => undefined);
      await admin.client('KILL', 'ID', id);
      const r1 = await first;
      expect(digestResult(r1)).toEqual(digestResult(model.apply(b1)));
      const runs1 = callsDelta(before, await commandCalls(admin))['evalsha'];

      // 2. Killed after the script ran, with the client not reading its reply.
      const b2 = input(2, 8000);
      id = String(await client.client('ID'));
      before = await commandCalls(admin);
      client.stream.pause();
      const second = store.applyBatch(b2);
      second.catch(() => undefined);
      // Wait for the script to have run (a slow machine may answer BUSY meanwhile).
      await eventually(async () => (await admin.hget(meta, 'lastBatch')) === '2', { intervalMs: 10, message: 'the batch 2 script to have run' });
      await admin.client('KILL', 'ID', id);
      client.stream.resume();
      const r2 = await second;
      // The reply (small) may already sit in the client's socket buffer: then it is read after the
      // kill and nothing is resent; otherwise ioredis resends and the guard answers from the record.
      const runs2 = callsDelta(before, await commandCalls(admin))['evalsha'];
      expect(runs2 === 1 ? !r2.replayed : runs2 === 2 && r2.replayed).toBe(true);
      expect(digestResult(r2)).toEqual(digestResult(model.apply(b2)));

      expect(await store.lastAppliedBatch()).toBe(2);
      expect(digest(await store.rows())).toEqual(digest(model.rows()));
      console.log(`CLIENT KILL mid-apply: during the request: script ran x${runs1} (replayed=${r1.replayed}); after the script: x${runs2} (replayed=${r2.replayed})`);
    } finally {
      await provider.close();
      client.disconnect();
    }
  });

  it('survives redis-server kill -9 and relaunch mid-stream (appendfsync always): every batch applied exactly once', async () => {
    const log = recordingLog();
    const provider = new RedisStateStoreProvider({ url: server.url }, log);
    const models = [new ReferenceState(), new ReferenceState()];
    let retries = 0;
    try {
      for (let b = 0; b < 10; b++) {
        const inputs = models.map((_, p) => streamBatch(b, 3000 + p * 500));
        const stores = await Promise.all(models.map((_, p) => provider.open({ checkpoint: 'faults/restart', operatorId: 0, partition: p, epoch: 1 })));
        const pending = stores.map((s, p) => retrying(() => s.applyBatch(inputs[p] as StateBatch)));
        for (const x of pending) x.catch(() => undefined);
        if (b === 3 || b === 7) {
          // Crash while the applies are in flight, come back on the same port and AOF.
          await server.kill();
          await letTimePass(b === 3 ? 50 : 4000, 'a short and a long Redis outage: the applies keep retrying through it');
          await server.launch();
        }
        const results = await Promise.all(pending);
        results.forEach((r, p) => {
          retries += r.failures;
          expect(digestResult(r.value)).toEqual(digestResult((models[p] as ReferenceState).apply(inputs[p] as StateBatch)));
        });
      }
      // The long outage (4 s) outlasts ioredis's own retries (~1.5 s): the caller's retry carried the batch.
      expect(retries).toBeGreaterThan(0);
      console.log(`redis-server kill -9 mid-stream: ${retries} caller retries over 2 crashes, all batches exact`);
      expect(log.lines).toContain('warn state store lost its Redis connection');
      const fresh = new RedisStateStoreProvider({ url: server.url }, recordingLog());
      for (let p = 0; p < models.length; p++) {
        const s = await fresh.open({ checkpoint: 'faults/restart', operatorId: 0, partition: p, epoch: 1 });
        expect(await s.lastAppliedBatch()).toBe(9);
        expect(digest(await s.rows())).toEqual(digest((models[p] as ReferenceState).rows()));
      }
      await fresh.close();
    } finally {
      await provider.close();
    }
  });

  it('a Redis that is down fails the apply with a retryable ExecutionError, not a hang', async () => {
    const down = await RedisServer.start({ appendfsync: false });
    const provider = new RedisStateStoreProvider({ url: down.url }, recordingLog());
    try {
      const s = await provider.open({ checkpoint: 'faults/down', operatorId: 0, partition: 0, epoch: 1 });
      await s.applyBatch(batch(0, [row(['a'], null, [1])]));
      await down.kill();
      const err = await s.applyBatch(batch(1, [row(['a'], null, [1])])).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ExecutionError);
      expect((err as ExecutionError).retryable).toBe(true);
      expect((err as Error).message).toMatch(/Redis failed while applying batch 1 of state partition 0/);
    } finally {
      await provider.close();
      await down.close();
    }
  });
});

describe('Redis state store fencing with partition ownership', () => {
  it('a stale owner cannot write after its partition moved, even before the new owner writes', async () => {
    const cp = 'faults/fencing';
    const ownership = new RedisOwnershipStore(admin);
    const workerA = new RedisStateStoreProvider({ url: server.url }, recordingLog());
    const logB = recordingLog();
    const workerB = new RedisStateStoreProvider({ url: server.url }, logB);
    const logA = recordingLog();
    const workerA2 = new RedisStateStoreProvider({ url: server.url }, logA);
    try {
      const first = await ownership.set('q-fence', rebalance(undefined, 2, ['A', 'B']), cp);
      const pA = first.owners.indexOf('A');
      const a = await workerA.open({ checkpoint: cp, operatorId: 0, partition: pA, epoch: first.epochs[pA] as number });
      await a.applyBatch(batch(0, [row(['x'], null, [1])]));
      await a.applyBatch(batch(1, [row(['x'], null, [1])]));
      // A leaves the cluster's view (e.g. missed heartbeats) while it still runs: its partition moves to B.
      const second = await ownership.set('q-fence', rebalance(first, 2, ['B']), cp);
      expect(second.owners[pA]).toBe('B');
      expect(second.epochs[pA]).toBeGreaterThan(first.epochs[pA] as number);
      const staleA = await workerA2.open({ checkpoint: cp, operatorId: 0, partition: pA, epoch: first.epochs[pA] as number });
      await expect(staleA.applyBatch(batch(2, [row(['x'], null, [100])]))).rejects.toThrow(/moved to a newer owner/);
      await expect(a.applyBatch(batch(1, [row(['x'], null, [100])]))).rejects.toThrow(ExecutionError);
      expect(logA.lines).toContain('warn stale owner fenced off');
      // B picks the state up where A left it: nothing was copied, nothing was lost.
      const b = await workerB.open({ checkpoint: cp, operatorId: 0, partition: pA, epoch: second.epochs[pA] as number });
      expect(await b.lastAppliedBatch()).toBe(1);
      const r = await b.applyBatch(batch(2, [row(['x'], null, [1])]));
      expect(canon(r.rows)).toEqual(canon([row(['x'], null, [3])]));
      await expect(a.applyBatch(batch(3, [row(['x'], null, [100])]))).rejects.toThrow(/moved to a newer owner/);
      expect(canon(await b.rows())).toEqual(canon([row(['x'], null, [3])]));
    } finally {
      await Promise.all([workerA.close(), workerB.close(), workerA2.close()]);
    }
  });
});
