import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { SparkSession } from '../../client/index.js';
import { CheckpointKeys } from '../../infra/redis/keys.js';
import { LineServer, burst } from '../e2e/process.js';
import { Cluster } from './harness.js';
import { RedisStateStoreProvider } from '../../worker/state/redis/redis-state-store.js';
import { keepWholeLog, startWordCounts, totals, walCounts } from './word-count.js';
import { eventually } from '../support/eventually.js';
import { stateKeyOf } from '../../engine/state/state-key.js';

/**
 * Two masters on one Redis run the same query (same checkpoint): the newer run's lease token
 * fences the older run, which fails with CONCURRENT_STREAM_LOG_UPDATE and writes nothing more;
 * the newer run's counts equal an independent count of the logged input.
 */
describe('two masters on one Redis', () => {
  let cluster: Cluster | undefined;
  let feed: LineServer | undefined;
  const sessions: SparkSession[] = [];
  let redis: Redis | undefined;

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && cluster) console.error(cluster.logs());
    for (const s of sessions.splice(0)) await s.stop().catch(() => undefined);
    redis?.disconnect();
    await feed?.close();
    await cluster?.close();
  });

  it("the newer run fences the older one's writes; counts stay exact", async () => {
    const c = (cluster = await Cluster.start({ workers: 1 }));
    const f = (feed = await LineServer.start());
    const r = (redis = new Redis(c.redis.url));
    const checkpoint = `cp-${randomUUID()}`;
    const connect = async (port: number): Promise<SparkSession> => {
      const s = await SparkSession.builder().remote(`sc://localhost:${port}/;session_id=${randomUUID()}`).getOrCreate();
      sessions.push(s);
      await s.conf.set('spark.sql.shuffle.partitions', '8');
      await keepWholeLog(s);
      return s;
    };

    const a = await connect(c.port);
    const older = await startWordCounts(a, f.port, 'wc', checkpoint);
    await f.waitForConnections(1);
    f.broadcast(burst(1, 5).lines);
    await older.processAllAvailable();
    expect(await r.hget(CheckpointKeys.runLease(checkpoint), 'token')).toBe('1');

    const other = await c.startOtherMaster('master-b');
    await c.addWorker(other.clusterPort);
    const b = await connect(other.port);
    const newer = await startWordCounts(b, f.port, 'wc', checkpoint);
    expect(newer.id).toBe(older.id);
    expect(await r.hget(CheckpointKeys.runLease(checkpoint), 'token')).toBe('2');
    await f.waitForConnections(2);
    f.broadcast(burst(2, 5).lines);

    await eventually(async () => !(await older.isActive()), { timeoutMs: 30_000, message: 'the older run to be fenced off' });
    const e = await older.exception();
    expect(e?.message).toContain('CONCURRENT_STREAM_LOG_UPDATE');
    await eventually(async () => (await walCounts(r, checkpoint)).has('b2w5'), { timeoutMs: 30_000, message: 'the second burst to be logged' });
    await newer.processAllAvailable();
    f.broadcast(burst(3, 5).lines);
    await eventually(async () => (await walCounts(r, checkpoint)).has('b3w5'), { timeoutMs: 30_000, message: 'the third burst to be logged' });
    await newer.processAllAvailable();

    const expected = await walCounts(r, checkpoint);
    for (const k of [1, 2, 3]) for (const [w, n] of burst(k, 5).counts) expect(expected.get(w)).toBe(n);
    const counts = totals(await b.sql('SELECT word, count FROM wc').collect());
    const wrong = [...expected].filter(([w, n]) => counts.get(w) !== 2 * n).map(([w, n]) => `${w}: ${counts.get(w) ?? 0} ≠ ${2 * n}`);
    expect(wrong).toEqual([]);
    expect(counts.size).toBe(expected.size);
    expect(await newer.isActive()).toBe(true);

    // A reduce task of the older run still in flight: its state write is refused by run token.
    const provider = new RedisStateStoreProvider(r, { warn: () => undefined, info: () => undefined });
    const store = await provider.open({ checkpoint, operatorId: 0, partition: 0, epoch: 1_000_000, run: 1 });
    await expect(
      store.applyBatch({
        batchId: (await store.lastAppliedBatch()) + 1,
        rows: [{ ...stateKeyOf([[0, 60_000_000], 'intruder']), eventTimeUs: 60_000_000, buffers: [1] }],
        mergeOps: ['sum'],
        lateBeforeUs: null,
        evictBeforeUs: null,
        emit: 'all',
        // As the older run's task would send it: this Redis checkpoint keeps its state by pane.
        panes: { rows: [], windows: () => [] },
      }),
    ).rejects.toThrow(/newer run 2/);
    await newer.stop();
  }, 180_000);
});
