import { randomUUID } from 'node:crypto';
import { Cluster as RedisCluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SparkSession } from '../../client/index.js';
import { CheckpointKeys, StateKeys } from '../../infra/redis/keys.js';
import { Cluster } from '../cluster/harness.js';
import { startWordCounts, waitForCounts } from '../cluster/word-count.js';
import { LineServer, burst } from '../e2e/process.js';
import { RedisClusterServers } from '../support/redis-cluster.js';
import { eventually } from '../support/eventually.js';

/**
 * Kindling with its checkpoints and state on a real Redis Cluster (3 masters, 3 replicas): the seed
 * query while workers join and leave, and while the Redis master holding the checkpoint dies and
 * its replica takes over. `?replicas=1` makes every write wait for a replica, so the failover loses
 * no acknowledged write: counts stay exact.
 */
describe('Redis Cluster', () => {
  let servers: RedisClusterServers;
  let kindling: Cluster | undefined;
  let spark: SparkSession | undefined;
  let feed: LineServer | undefined;

  beforeAll(async () => {
    servers = await RedisClusterServers.start(3, 1);
  }, 90_000);

  afterAll(async () => {
    await spark?.stop().catch(() => undefined);
    await feed?.close();
    await kindling?.close();
    await servers?.close();
  });

  it('runs the seed query with workers joining and leaving and a Redis master failing over mid-stream, with exact counts', async () => {
    kindling = await Cluster.start({ workers: 2, redisUrl: servers.url('?replicas=1') });
    const c = kindling;
    feed = await LineServer.start();
    const f = feed;
    spark = await SparkSession.builder().remote(c.url).appName('redis-cluster').getOrCreate();
    const s = spark;
    await s.conf.set('spark.sql.shuffle.partitions', '12');
    await s.conf.set('kindling.streaming.maxBatchAttempts', '20');
    const checkpoint = `rc-${randomUUID()}`;
    const q = await startWordCounts(s, f.port, 'wc_rc', checkpoint);
    await f.waitForConnections(1);
    const expected = new Map<string, number>();
    const send = (k: number, words = 5): void => {
      const b = burst(k, words);
      b.counts.forEach((n, w) => expected.set(w, n));
      f.broadcast(b.lines);
    };
    const settle = async (what: string): Promise<void> => {
      const counts = await waitForCounts(s, 'wc_rc', expected, 90_000);
      for (const [w, n] of expected) expect(counts.get(w), `${w} after ${what}\n${c.logs().slice(-6000)}`).toBe(2 * n);
    };

    send(1);
    await settle('the first burst');

    // A worker joins, then one leaves (SIGTERM): partitions move, state stays in the cluster.
    await c.addWorker();
    await c.waitForWorkers(3);
    send(2);
    await settle('a worker joined');
    expect(await c.workers[0]?.node.stop('SIGTERM')).toBe(0);
    await c.waitForWorkers(2);
    send(3);
    await settle('a worker left');

    // State partitions are spread over the shards; each partition's keys stay in one slot.
    const probe = new RedisCluster(servers.url().replace('redis-cluster://', '').split(',').map((hp) => ({ host: '127.0.0.1', port: Number(hp.split(':')[1]) })));
    try {
      const holders = new Set<number>();
      // The state is in the rows hash, or in the panes hash where the checkpoint keeps state by pane.
      for (let p = 0; p < 12; p++) {
        for (const key of [StateKeys.rows(checkpoint, 0, p), StateKeys.panes(checkpoint, 0, p)]) if ((await probe.exists(key)) === 1) holders.add(await servers.masterOf(key));
      }
      expect(holders.size).toBeGreaterThanOrEqual(2);
    } finally {
      probe.disconnect();
    }

    // The Redis master holding the checkpoint (offsets, commits, write-ahead log) dies with a burst in flight.
    const victim = await servers.masterOf(CheckpointKeys.offsets(checkpoint));
    const watch = new RedisCluster(servers.url().replace('redis-cluster://', '').split(',').map((hp) => ({ host: '127.0.0.1', port: Number(hp.split(':')[1]) })));
    try {
      const planned = await watch.hlen(CheckpointKeys.offsets(checkpoint));
      send(4, 30);
      // In flight: the burst's batch has written its offsets (and is not committed yet, at 30 words a line).
      await eventually(async () => (await watch.hlen(CheckpointKeys.offsets(checkpoint))) > planned, { timeoutMs: 30_000, intervalMs: 5, message: "the burst's batch to start" });
    } finally {
      watch.disconnect();
    }
    await servers.kill(victim);
    send(5);
    await eventually(async () => (await servers.masterOf(CheckpointKeys.offsets(checkpoint))) !== victim, { timeoutMs: 30_000, message: 'a replica to take over' });
    // Writes wait for a replica (?replicas=1): the shard's writes are refused (and retried) until
    // the old master is back, as a replica of the new one.
    await servers.restart(victim);
    await servers.waitHealthy(3, 3, 60_000);
    send(6);
    await settle('a Redis master failed over');
    expect(await q.exception()).toBeNull();
    await q.stop();
  }, 240_000);
});
