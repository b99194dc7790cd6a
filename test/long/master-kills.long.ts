import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { SparkSession, type StreamingQuery } from '../../client/index.js';
import { CheckpointKeys } from '../../infra/redis/keys.js';
import { LineServer, burst } from '../e2e/process.js';
import { Cluster } from '../cluster/harness.js';
import { keepWholeLog, startWordCounts, totals, walCounts } from '../cluster/word-count.js';
import { eventually, letTimePass } from '../support/eventually.js';

/**
 * Master `kill -9` + restart from the checkpoint, again and again, on a real cluster (master + 3
 * workers + redis-server with AOF `always`), the seed query over a replayable feed. Each round
 * sends bursts, kills the master at a seeded random moment (often mid-batch), restarts it and the
 * query (the workers re-register by themselves, one by one). At the end every word's count must
 * equal an independent count of the logged input (lines still in flight to the dying master are
 * the sender's loss, as with any socket). KINDLING_MASTER_KILLS (default 25) rounds,
 * KINDLING_SEED (default 1).
 */
const KILLS = Number(process.env['KINDLING_MASTER_KILLS'] ?? 25);
let seed = Number(process.env['KINDLING_SEED'] ?? 1);
function random(): number {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
}

describe('master kill -9 loop', () => {
  let cluster: Cluster | undefined;
  let feed: LineServer | undefined;
  let spark: SparkSession | undefined;
  let redis: Redis | undefined;

  afterAll(async () => {
    await spark?.stop().catch(() => undefined);
    redis?.disconnect();
    await feed?.close();
    await cluster?.close();
  });

  it(`${KILLS} master kills: no word lost or counted twice`, async () => {
    const c = (cluster = await Cluster.start({ workers: 3 }));
    const f = (feed = await LineServer.start());
    const r = (redis = new Redis(c.redis.url));
    const checkpoint = `cp-${randomUUID()}`;
    const open = async (): Promise<{ s: SparkSession; q: StreamingQuery }> => {
      const s = await SparkSession.builder().remote(`${c.url}/;session_id=${randomUUID()}`).getOrCreate();
      await s.conf.set('spark.sql.shuffle.partitions', '16');
      await s.conf.set('kindling.streaming.maxBatchAttempts', '10');
      await keepWholeLog(s);
      return { s, q: await startWordCounts(s, f.port, 'wc_kills', checkpoint) };
    };
    let { s, q } = await open();
    spark = s;
    await f.waitForConnections(1);
    let k = 1;
    let midBatch = 0;
    const recoveries: number[] = [];
    for (let round = 0; round < KILLS; round++) {
      const bursts = 1 + Math.floor(random() * 4);
      for (let i = 0; i < bursts; i++) f.broadcast(burst(k++, 10 + Math.floor(random() * 30)).lines);
      await letTimePass(Math.floor(random() * 1500), 'the kill lands at a seeded moment: between batches or inside one');
      const commits = await r.hlen(CheckpointKeys.commits(checkpoint));
      await c.master.stop('SIGKILL');
      if ((await r.hlen(CheckpointKeys.offsets(checkpoint))) > commits) midBatch++;
      await s.stop().catch(() => undefined);
      await eventually(() => Promise.resolve(f.connections === 0), { timeoutMs: 20_000, message: "the dead master's socket to close" });
      const started = Date.now();
      await c.startMaster();
      ({ s, q } = await open());
      spark = s;
      await f.waitForConnections(1);
      // New data, so a batch runs after the restart even when the kill fell between batches.
      f.broadcast(burst(k++, 3).lines);
      await eventually(async () => (await r.hlen(CheckpointKeys.commits(checkpoint))) > commits || (await q.exception()) !== null, { timeoutMs: 120_000, message: 'a batch after the restart' });
      expect(await q.exception()).toBeNull();
      recoveries.push(Date.now() - started);
    }
    f.broadcast(burst(k, 5).lines);
    await eventually(async () => (await walCounts(r, checkpoint)).has(`b${k}w5`), { timeoutMs: 30_000, message: 'the last burst to be logged' });
    await q.processAllAvailable();
    const expected = await walCounts(r, checkpoint);
    const counts = totals(await s.sql('SELECT word, count FROM wc_kills').collect());
    let duplicated = 0;
    let lost = 0;
    for (const [w, n] of expected) {
      const got = (counts.get(w) ?? 0) / 2;
      if (got > n) duplicated += got - n;
      if (got < n) lost += n - got;
    }
    const extra = [...counts.keys()].filter((w) => !expected.has(w)).length;
    const sorted = [...recoveries].sort((a, b) => a - b);
    const pct = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
    console.log(
      `master kills: ${KILLS} (${midBatch} with a batch in flight), words ${expected.size}, ` +
        `occurrences ${[...expected.values()].reduce((a, b) => a + b, 0)}, lost ${lost}, duplicated ${duplicated}, unknown words ${extra}, ` +
        `restart to first commit p50 ${pct(50)} ms, p99 ${pct(99)} ms`,
    );
    expect({ lost, duplicated, extra }).toEqual({ lost: 0, duplicated: 0, extra: 0 });
    await q.stop();
  });
});
