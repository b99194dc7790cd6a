import { credentials, status } from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SparkSession } from '../../client/index.js';
import { loadCluster } from '../../proto/load.js';
import { LineServer } from '../e2e/process.js';
import { Cluster } from './harness.js';
import { expectTidy, fuzzMessage } from './fuzz-messages.js';
import { RawClient, Rng, type Outcome } from './raw-rpc.js';
import { captureTaskTemplates, type TaskTemplates } from './task-templates.js';
import { startWordCounts, waitForCounts } from './word-count.js';

/** Messages per RPC and credential mode; KINDLING_FUZZ_COUNT raises it for a longer run. */
const COUNT = Number(process.env['KINDLING_FUZZ_COUNT'] ?? 30);
const SEED = Number(process.env['KINDLING_FUZZ_SEED'] ?? 11);

/**
 * Random and damaged messages on every MasterService and WorkerService RPC of a real cluster (a
 * master and two worker processes), with and without the cluster secret. Without the secret
 * nothing is ever served; with it, bad messages get INVALID_ARGUMENT (or a task error in the
 * response); no answer carries a stack trace; and every process still runs the seed query after.
 */
describe('the cluster RPCs survive garbage', () => {
  let templates: TaskTemplates;
  let cluster: Cluster;
  let master: RawClient;
  let workers: RawClient[] = [];

  beforeAll(async () => {
    templates = await captureTaskTemplates();
    cluster = await Cluster.start({ workers: 2 });
    const { MasterService, WorkerService } = loadCluster();
    master = new RawClient(`127.0.0.1:${cluster.clusterPort}`, credentials.createInsecure(), MasterService.service);
    const ws = await cluster.api<{ address: string; state: string }[]>('/api/workers');
    workers = ws.map((w) => new RawClient(w.address, credentials.createInsecure(), WorkerService.service));
    expect(workers.length).toBe(2);
  }, 120_000);

  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail' && cluster) console.error(cluster.logs());
  });

  afterAll(async () => {
    master?.close();
    for (const w of workers) w.close();
    await cluster?.close();
  });

  /** A valid request per method; task specs are the captured ones, aimed at the Redis state store. */
  function valid(method: string, secret: string): Record<string, unknown> {
    const reduce = JSON.parse(templates.reduce) as { state: Record<string, unknown> };
    reduce.state['provider'] = 'redis';
    reduce.state['checkpoint'] = 'fuzz-checkpoint';
    const job = (JSON.parse(templates.shuffle.jobJson) as unknown) ?? {};
    const messages: Record<string, Record<string, unknown>> = {
      RegisterWorker: { worker_id: 'fuzz-worker', address: '127.0.0.1:9', cores: 1, version: '0' },
      Heartbeat: { worker_id: 'fuzz-worker', running_tasks: 0 },
      DeregisterWorker: { worker_id: 'fuzz-worker' },
      RunMapTask: { spec_json: templates.map.specJson, payload: Buffer.from(templates.map.payload) },
      RunReduceTask: { spec_json: JSON.stringify(reduce) },
      PushShuffle: {
        job_json: templates.shuffle.jobJson,
        map_task_id: templates.shuffle.mapTaskId,
        partition_ids: [...templates.shuffle.partitionIds],
        partition_row_counts: [...templates.shuffle.partitionRowCounts],
        rows: Buffer.from(templates.shuffle.rows),
      },
      ReleaseQuery: { query_id: 'fuzz-query' },
      CancelTasks: { job_json: JSON.stringify(job) },
      GetStatus: {},
    };
    const m = messages[method];
    if (!m) throw new Error(`no template for ${method}`);
    return { secret, ...m };
  }

  async function fuzz(client: RawClient, label: string, rng: Rng, withSecret: boolean): Promise<Map<status, number>> {
    const seen = new Map<status, number>();
    for (const method of client.methods) {
      for (let i = 0; i < COUNT; i++) {
        // Wrong secrets share no bytes with the right one: a damaged length prefix could otherwise cut one into it.
        const secret = withSecret ? cluster.secret : rng.pick(['', 'wrong', 'guess-the-secret']);
        const msg = fuzzMessage(rng, client.method(method), valid(method, secret));
        const message = msg.kind === 'raw' ? msg.bytes : { ...msg.message, ...(withSecret ? {} : { secret }) };
        const outcome: Outcome = Buffer.isBuffer(message) ? await client.callRaw(method, message) : await client.call(method, message);
        // The message itself, so a failure can be replayed (as protobuf bytes, base64).
        const sent = Buffer.isBuffer(message) ? message : client.method(method).requestSerialize(message);
        const context = `${label} ${method} #${i} (${withSecret ? 'with' : 'without'} the secret, ${msg.kind}): ${status[outcome.code]} ${outcome.details}\nsent: ${sent.toString('base64')}`;
        expectTidy(outcome, context);
        if (withSecret) expect([status.OK, status.INVALID_ARGUMENT, status.UNAUTHENTICATED], context).toContain(outcome.code);
        else expect([status.INVALID_ARGUMENT, status.UNAUTHENTICATED], context).toContain(outcome.code);
        seen.set(outcome.code, (seen.get(outcome.code) ?? 0) + 1);
      }
    }
    return seen;
  }

  it('answers every random or damaged message with a status, never a crash, and serves nothing without the secret', async () => {
    const rng = new Rng(SEED);
    const targets: [RawClient, string][] = [[master, 'master'], ...workers.map((w, i): [RawClient, string] => [w, `worker-${i}`])];
    for (const [client, label] of targets) {
      for (const withSecret of [false, true]) {
        const seen = await fuzz(client, label, rng, withSecret);
        if (withSecret) {
          // The fuzzing reached the handlers: some messages were served, some refused as malformed.
          expect(seen.get(status.OK) ?? 0, label).toBeGreaterThan(0);
          expect(seen.get(status.INVALID_ARGUMENT) ?? 0, label).toBeGreaterThan(0);
        } else {
          expect(seen.get(status.UNAUTHENTICATED) ?? 0, label).toBeGreaterThan(0);
        }
      }
    }
    expect(cluster.master.alive).toBe(true);
    for (const w of cluster.workers) expect(w.node.alive, w.node.name).toBe(true);
  }, 240_000);

  it('the known killers are refused: an empty reduce spec, a garbage shuffle push, an undecodable message', async () => {
    const w = workers[0] as RawClient;
    const reduce = await w.call('RunReduceTask', { secret: cluster.secret, spec_json: '{}' });
    expect(reduce.code).toBe(status.INVALID_ARGUMENT);
    expect(reduce.details).toBe('RunReduceTask: spec_json.job must be an object');
    const push = await w.call('PushShuffle', {
      secret: cluster.secret,
      job_json: '{"queryId":"q","batchId":0,"run":0,"attempt":0}',
      map_task_id: 0,
      partition_ids: [0],
      partition_row_counts: [3],
      rows: Buffer.from('not arrow at all'),
    });
    expect(push.code).toBe(status.INVALID_ARGUMENT);
    expect(push.details).toBe('PushShuffle: rows are not an Arrow IPC stream holding the counted rows');
    const undecodable = await master.callRaw('RegisterWorker', Buffer.from([0xff, 0xff, 0xff, 0xff]));
    expect(undecodable.code).toBe(status.INVALID_ARGUMENT);
    const stranger = await master.call('RegisterWorker', { secret: 'guess', worker_id: 'evil', address: '127.0.0.1:9', cores: 1, version: '0' });
    expect(stranger.code).toBe(status.UNAUTHENTICATED);
    expect(cluster.workers.every((n) => n.node.alive)).toBe(true);
  });

  it('afterwards every process is alive and the cluster still counts the seed query exactly', async () => {
    // Fuzzed registrations leave fake workers behind; they die at the heartbeat timeout.
    await cluster.waitForWorkers(2, 30_000);
    const feed = await LineServer.start();
    const spark = await SparkSession.builder().remote(cluster.url).create();
    try {
      await spark.conf.set('spark.sql.shuffle.partitions', '4');
      const q = await startWordCounts(spark, feed.port, 'after_fuzz');
      await feed.waitForConnections(1);
      feed.broadcast(['cat dog cat', 'dog bird']);
      const counts = await waitForCounts(spark, 'after_fuzz', new Map([['cat', 2], ['dog', 2], ['bird', 1]]));
      expect(Object.fromEntries(counts)).toEqual({ cat: 4, dog: 4, bird: 2 });
      await q.stop();
    } finally {
      await spark.stop();
      await feed.close();
    }
    expect(cluster.master.alive).toBe(true);
    for (const w of cluster.workers) expect(w.node.alive, w.node.name).toBe(true);
  }, 120_000);
});
