import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { SparkSession, type StreamingQuery } from '../../client/index.js';
import { CheckpointKeys, OwnershipKeys } from '../../infra/redis/keys.js';
import { LineServer, burst } from '../e2e/process.js';
import { Cluster } from './harness.js';
import { RedisStateStoreProvider } from '../../worker/state/redis/redis-state-store.js';
import { startWordCounts, waitForCounts } from './word-count.js';
import { eventually } from '../support/eventually.js';
import { stateKeyOf } from '../../engine/state/state-key.js';

/**
 * The cluster issue's fault matrix: a real redis-server, a `kindling master` and `kindling worker`
 * processes on loopback; every test ends with the exact expected counts (nothing lost, nothing
 * twice), per word, in the seed `wordcounts` query.
 */
describe('a Kindling cluster counts every word exactly once', () => {
  let cluster: Cluster | undefined;
  let feed: LineServer | undefined;
  let spark: SparkSession | undefined;
  let redis: Redis | undefined;

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && cluster) console.error(cluster.logs());
    await spark?.stop().catch(() => undefined);
    redis?.disconnect();
    await feed?.close();
    await cluster?.close();
    cluster = undefined;
    spark = undefined;
    feed = undefined;
    redis = undefined;
  });

  async function setup(workers: number, partitions = 16): Promise<{ c: Cluster; s: SparkSession; f: LineServer; r: Redis }> {
    cluster = await Cluster.start({ workers });
    feed = await LineServer.start();
    spark = await SparkSession.builder().remote(cluster.url).appName('cluster-test').getOrCreate();
    await spark.conf.set('spark.sql.shuffle.partitions', String(partitions));
    await spark.conf.set('kindling.streaming.maxBatchAttempts', '10');
    redis = new Redis(cluster.redis.url);
    return { c: cluster, s: spark, f: feed, r: redis };
  }

  /** Sends bursts, records the expected count per word, and returns how many lines went out. */
  function send(f: LineServer, from: number, count: number, wordsPerBurst: number, expected: Map<string, number>): number {
    let lines = 0;
    for (let k = from; k < from + count; k++) {
      const b = burst(k, wordsPerBurst);
      b.counts.forEach((n, w) => expected.set(w, n));
      f.broadcast(b.lines);
      lines += b.lines.length;
    }
    return lines;
  }

  /** Lines in the socket source's write-ahead log (its index holds running totals). */
  async function walLines(r: Redis, checkpoint: string): Promise<number> {
    return Number((await r.lindex(CheckpointKeys.sourceLogEnds(checkpoint, 0), -1)) ?? 0);
  }

  /**
   * Sends bursts and waits until the master's socket source has logged every line, so the next
   * processAllAvailable() sees them all (a fixed sleep here was the flaky runs).
   */
  async function sendLogged(f: LineServer, r: Redis, checkpoint: string, from: number, count: number, wordsPerBurst: number, expected: Map<string, number>): Promise<void> {
    const logged = await walLines(r, checkpoint);
    const sent = send(f, from, count, wordsPerBurst, expected);
    await eventually(async () => (await walLines(r, checkpoint)) === logged + sent, { timeoutMs: 20_000, message: `${sent} lines in the source log of ${checkpoint}` });
  }

  async function offsetsWritten(r: Redis, checkpoint: string): Promise<number> {
    return r.hlen(CheckpointKeys.offsets(checkpoint));
  }

  it('runs the seed query on three workers and matches an independent count row by row', async () => {
    const { s, f, r } = await setup(3);
    const checkpoint = `cp-${randomUUID()}`;
    const q = await startWordCounts(s, f.port, 'wordcounts', checkpoint);
    await f.waitForConnections(1);
    const expected = new Map<string, number>();
    for (let k = 1; k <= 3; k++) {
      await sendLogged(f, r, checkpoint, k, 1, 6, expected);
      await q.processAllAvailable();
    }
    const rows = await s.sql('SELECT * FROM wordcounts').collect();
    expect(rows.length).toBe(2 * expected.size);
    for (const r of rows) {
      const w = r.get('window') as { get(k: string): { micros: number } };
      expect(w.get('end').micros - w.get('start').micros).toBe(60_000_000);
      expect(r.get('count')).toBe(expected.get(r.get('word') as string));
    }
    const plan = await q.explainString();
    expect(plan).toMatch(/\n +\+- Exchange hashpartitioning\(window#\d+-T5000ms, word#\d+, 16\), REQUIRED_BY_STATEFUL_OPERATOR\n/);
    expect(plan).toMatch(/\n +\+- StateStoreSave \[window#\d+-T5000ms, word#\d+\], state info \[.*numPartitions = 16\], Complete, /);
    expect(plan).toContain('Stage 1 (reduce, a task per owner of the 16 state partitions, StateStore redis)');
    await q.stop();
  });

  it('survives kill -9 of a worker in the middle of a batch', async () => {
    const { c, s, f, r } = await setup(3);
    const checkpoint = `cp-${randomUUID()}`;
    const q = await startWordCounts(s, f.port, 'wc_kill', checkpoint);
    await f.waitForConnections(1);
    const expected = new Map<string, number>();
    await sendLogged(f, r, checkpoint, 1, 1, 5, expected);
    await q.processAllAvailable();
    const before = await offsetsWritten(r, checkpoint);
    send(f, 2, 30, 40, expected); // a big burst: a batch that takes a while
    await eventually(async () => (await offsetsWritten(r, checkpoint)) > before, { timeoutMs: 20_000, message: 'the big batch to start' });
    await c.workers[1]?.node.stop('SIGKILL');
    const counts = await waitForCounts(s, 'wc_kill', expected);
    for (const [w, n] of expected) expect(counts.get(w)).toBe(2 * n);
    expect(await q.exception()).toBeNull();
    await q.stop();
  });

  it('gives partitions to a worker added while the query runs', async () => {
    const { c, s, f, r } = await setup(2);
    const checkpoint = `cp-${randomUUID()}`;
    const q = await startWordCounts(s, f.port, 'wc_grow', checkpoint);
    await f.waitForConnections(1);
    const expected = new Map<string, number>();
    await sendLogged(f, r, checkpoint, 1, 2, 5, expected);
    await q.processAllAvailable();
    const added = await c.addWorker();
    await c.waitForWorkers(3);
    await sendLogged(f, r, checkpoint, 3, 2, 5, expected);
    await q.processAllAvailable();
    const ownership = JSON.parse((await r.get(OwnershipKeys.owners(q.id))) ?? '{}') as { owners?: string[] };
    expect(ownership.owners?.filter((o) => o === added.id).length).toBeGreaterThanOrEqual(5);
    const counts = await waitForCounts(s, 'wc_grow', expected);
    for (const [w, n] of expected) expect(counts.get(w)).toBe(2 * n);
    await q.stop();
  });

  it('moves the partitions of a worker stopped with SIGTERM', async () => {
    const { c, s, f, r } = await setup(3);
    const checkpoint = `cp-${randomUUID()}`;
    const q = await startWordCounts(s, f.port, 'wc_shrink', checkpoint);
    await f.waitForConnections(1);
    const expected = new Map<string, number>();
    await sendLogged(f, r, checkpoint, 1, 2, 5, expected);
    await q.processAllAvailable();
    const leaving = c.workers[0];
    expect(await leaving?.node.stop('SIGTERM')).toBe(0);
    await c.waitForWorkers(2);
    await sendLogged(f, r, checkpoint, 3, 3, 5, expected);
    await q.processAllAvailable();
    const ownership = JSON.parse((await r.get(OwnershipKeys.owners(q.id))) ?? '{}') as { owners?: string[] };
    expect(ownership.owners).not.toContain(leaving?.id);
    const counts = await waitForCounts(s, 'wc_shrink', expected);
    for (const [w, n] of expected) expect(counts.get(w)).toBe(2 * n);
    await q.stop();
  });

  it('resumes from the checkpoint after the master is killed mid-batch and restarted', async () => {
    const { c, f, r } = await setup(2);
    const checkpoint = `cp-${randomUUID()}`;
    let q: StreamingQuery = await startWordCounts(spark as SparkSession, f.port, 'wc_master', checkpoint);
    await f.waitForConnections(1);
    const expected = new Map<string, number>();
    await sendLogged(f, r, checkpoint, 1, 1, 5, expected);
    await q.processAllAvailable();
    const logged = await walLines(r, checkpoint);
    const sent = send(f, 2, 20, 40, expected);
    // Kill once every line is in the master's write-ahead log (lines still in flight to a dying
    // process are the sender's loss, as with any socket), while the batch is still running.
    await eventually(async () => (await walLines(r, checkpoint)) === logged + sent, { timeoutMs: 20_000, message: 'the lines to be logged' });
    const committed = await r.hlen(CheckpointKeys.commits(checkpoint));
    await c.master.stop('SIGKILL');
    const midBatch = (await r.hlen(CheckpointKeys.offsets(checkpoint))) > committed;
    await spark?.stop().catch(() => undefined);
    await c.startMaster();
    await c.waitForWorkers(2);
    spark = await SparkSession.builder().remote(`${c.url}/;session_id=${randomUUID()}`).appName('after-restart').getOrCreate();
    await spark.conf.set('spark.sql.shuffle.partitions', '16');
    q = await startWordCounts(spark, f.port, 'wc_master', checkpoint);
    // A complete-mode memory sink starts empty after a restart (as Spark's): new data makes a batch.
    await f.waitForConnections(1);
    send(f, 40, 1, 5, expected);
    const counts = await waitForCounts(spark, 'wc_master', expected);
    for (const [w, n] of expected) expect(counts.get(w)).toBe(2 * n);
    console.log(`master killed ${midBatch ? 'with a batch in flight' : 'between batches'}`);
    await q.stop();
  });

  it('continues exactly after Redis is killed and restarted (AOF) mid-stream', async () => {
    const { c, s, f, r } = await setup(2);
    const checkpoint = `cp-${randomUUID()}`;
    const q = await startWordCounts(s, f.port, 'wc_redis', checkpoint);
    await f.waitForConnections(1);
    const expected = new Map<string, number>();
    await sendLogged(f, r, checkpoint, 1, 1, 5, expected);
    await q.processAllAvailable();
    const before = await offsetsWritten(r, checkpoint);
    send(f, 2, 20, 40, expected);
    await eventually(async () => (await offsetsWritten(r, checkpoint)) > before, { timeoutMs: 20_000, message: 'the batch to start' });
    await c.redis.restart(true);
    send(f, 30, 2, 5, expected);
    const counts = await waitForCounts(s, 'wc_redis', expected, 90_000);
    for (const [w, n] of expected) expect(counts.get(w)).toBe(2 * n);
    expect(await q.exception()).toBeNull();
    await q.stop();
  });

  it("is unharmed when a worker's Redis connection is killed while it writes state", async () => {
    const { s, f, r } = await setup(2);
    const checkpoint = `cp-${randomUUID()}`;
    const q = await startWordCounts(s, f.port, 'wc_clientkill', checkpoint);
    await f.waitForConnections(1);
    const expected = new Map<string, number>();
    await sendLogged(f, r, checkpoint, 1, 1, 5, expected);
    await q.processAllAvailable();
    const before = await offsetsWritten(r, checkpoint);
    send(f, 2, 20, 60, expected);
    await eventually(async () => (await offsetsWritten(r, checkpoint)) > before, { timeoutMs: 20_000, message: 'the batch to start' });
    // Kill the workers' connections as soon as they show up (they reconnect and retry the write).
    const killed = await eventually(
      async () => {
        let n = 0;
        const list = (await r.client('LIST')) as string;
        for (const line of list.split('\n')) {
          const id = /id=(\d+)/.exec(line)?.[1];
          if (id && line.includes('name=kindling-worker')) {
            await r.client('KILL', 'ID', id);
            n++;
          }
        }
        return n;
      },
      { timeoutMs: 5000, intervalMs: 5, message: 'a worker connection to kill' },
    );
    expect(killed).toBeGreaterThan(0);
    const counts = await waitForCounts(s, 'wc_clientkill', expected);
    for (const [w, n] of expected) expect(counts.get(w)).toBe(2 * n);
    await q.stop();
  });

  it('refuses writes from a stale worker that comes back after its partitions moved (fencing)', async () => {
    const { c, s: session, f, r } = await setup(2);
    const checkpoint = `cp-${randomUUID()}`;
    const q = await startWordCounts(session, f.port, 'wc_stale', checkpoint);
    await f.waitForConnections(1);
    const expected = new Map<string, number>();
    await sendLogged(f, r, checkpoint, 1, 2, 5, expected);
    await q.processAllAvailable();
    const before = JSON.parse((await r.get(OwnershipKeys.owners(q.id))) ?? '{}') as { owners: string[]; epochs: number[] };
    const stale = c.workers[0] as { id: string; node: { signal(s: NodeJS.Signals): void } };
    const p = before.owners.indexOf(stale.id);
    expect(p).toBeGreaterThanOrEqual(0);
    const staleEpoch = before.epochs[p] as number;

    stale.node.signal('SIGSTOP');
    await eventually(async () => !(await c.aliveWorkers()).includes(stale.id), { timeoutMs: 20_000, message: 'the master to declare the worker dead' });
    await sendLogged(f, r, checkpoint, 3, 2, 5, expected);
    await q.processAllAvailable();
    const moved = JSON.parse((await r.get(OwnershipKeys.owners(q.id))) ?? '{}') as { owners: string[]; epochs: number[] };
    expect(moved.owners).not.toContain(stale.id);
    expect(moved.epochs[p]).toBeGreaterThan(staleEpoch);

    // What the stale worker would do with a task it was still holding: write with its old epoch.
    const provider = new RedisStateStoreProvider(r, { warn: () => undefined, info: () => undefined });
    const store = await provider.open({ checkpoint, operatorId: 0, partition: p, epoch: staleEpoch });
    const last = await store.lastAppliedBatch();
    await expect(
      store.applyBatch({
        batchId: last + 1,
        rows: [{ ...stateKeyOf([[0, 60_000_000], 'intruder']), eventTimeUs: 60_000_000, buffers: [1] }],
        mergeOps: ['sum'],
        lateBeforeUs: null,
        evictBeforeUs: null,
        emit: 'all',
        // As the stale worker's task would send it: this Redis checkpoint keeps its state by pane.
        panes: { rows: [], windows: () => [] },
      }),
    ).rejects.toThrow(/newer owner/);

    stale.node.signal('SIGCONT');
    await c.waitForWorkers(2);
    await sendLogged(f, r, checkpoint, 5, 2, 5, expected);
    await q.processAllAvailable();
    const counts = await waitForCounts(session, 'wc_stale', expected);
    for (const [w, n] of expected) expect(counts.get(w)).toBe(2 * n);
    expect(counts.has('intruder')).toBe(false);
    await q.stop();
  });
});
