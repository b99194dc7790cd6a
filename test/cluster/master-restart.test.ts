import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { SparkSession } from '../../client/index.js';
import { CheckpointKeys } from '../../infra/redis/keys.js';
import { LineServer, burst } from '../e2e/process.js';
import { Cluster } from './harness.js';
import { keepWholeLog, startWordCounts, totals, walCounts } from './word-count.js';
import { eventually } from '../support/eventually.js';

/**
 * A master killed between the map and the reduce stage of a batch leaves that attempt's shuffle
 * blocks on the workers. The restarted master re-runs the batch while the workers come back one by
 * one (fewer workers: fewer map tasks); not one of the dead master's blocks may be counted.
 */
describe('a master restart mid-batch', () => {
  let cluster: Cluster | undefined;
  let feed: LineServer | undefined;
  let spark: SparkSession | undefined;
  let redis: Redis | undefined;

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && cluster) console.error(cluster.logs());
    for (const w of cluster?.workers ?? []) w.node.signal('SIGCONT');
    await spark?.stop().catch(() => undefined);
    redis?.disconnect();
    await feed?.close();
    await cluster?.close();
  });

  it("never counts the dead master's shuffle blocks, with workers re-registering one by one", async () => {
    const c = (cluster = await Cluster.start({ workers: 3, masterEnv: { KINDLING_FAILPOINT: 'crash-after-map-stage:3' } }));
    const f = (feed = await LineServer.start());
    const r = (redis = new Redis(c.redis.url));
    const checkpoint = `cp-${randomUUID()}`;
    spark = await SparkSession.builder().remote(c.url).appName('restart-a').getOrCreate();
    await spark.conf.set('spark.sql.shuffle.partitions', '16');
    await spark.conf.set('kindling.streaming.maxBatchAttempts', '10');
    await keepWholeLog(spark);
    const q = await startWordCounts(spark, f.port, 'wc_restart', checkpoint);
    await f.waitForConnections(1);
    f.broadcast(burst(1, 5).lines);
    await q.processAllAvailable();

    // ≥ 2,001 lines in one batch make three map tasks: the failpoint kills the master after them.
    for (let k = 2; k <= 11; k++) f.broadcast(burst(k, 20).lines);
    await eventually(() => Promise.resolve(!c.master.alive), { timeoutMs: 60_000, message: 'the master to crash after a map stage' });
    const offsets = await r.hlen(CheckpointKeys.offsets(checkpoint));
    const commits = await r.hlen(CheckpointKeys.commits(checkpoint));
    expect(offsets).toBe(commits + 1);
    await spark.stop().catch(() => undefined);

    // Only worker 0 comes back before the re-run; the others register while the query runs.
    const [w0, w1, w2] = c.workers;
    w1?.node.signal('SIGSTOP');
    w2?.node.signal('SIGSTOP');
    await c.startMaster();
    await c.waitForWorkers(1);
    expect(await c.aliveWorkers()).toEqual([w0?.id]);
    spark = await SparkSession.builder().remote(`${c.url}/;session_id=${randomUUID()}`).appName('restart-b').getOrCreate();
    await spark.conf.set('spark.sql.shuffle.partitions', '16');
    await spark.conf.set('kindling.streaming.maxBatchAttempts', '10');
    await keepWholeLog(spark);
    const q2 = await startWordCounts(spark, f.port, 'wc_restart', checkpoint);
    await eventually(async () => (await r.hlen(CheckpointKeys.commits(checkpoint))) > commits, { timeoutMs: 60_000, message: 'the re-run batch to commit' });
    w1?.node.signal('SIGCONT');
    await c.waitForWorkers(2);
    w2?.node.signal('SIGCONT');
    await c.waitForWorkers(3);
    await f.waitForConnections(1);
    f.broadcast(burst(40, 5).lines);
    await eventually(async () => (await walCounts(r, checkpoint)).has('b40w5'), { timeoutMs: 30_000, message: 'the last burst to be logged' });
    await q2.processAllAvailable();

    // The scenario happened: worker 0 held the dead run's blocks and dropped them.
    expect(`${w0?.node.stdout ?? ""}${w0?.node.stderr ?? ""}`).toMatch(/dropped shuffle blocks of older runs/);
    const expected = await walCounts(r, checkpoint);
    const counts = totals(await spark.sql('SELECT word, count FROM wc_restart').collect());
    const wrong = [...expected].filter(([w, n]) => counts.get(w) !== 2 * n).map(([w, n]) => `${w}: ${counts.get(w) ?? 0} ≠ ${2 * n}`);
    expect(wrong).toEqual([]);
    expect(counts.size).toBe(expected.size);
    await q2.stop();
  }, 180_000);
});
