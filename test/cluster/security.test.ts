import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { credentials, status } from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SparkSession } from '../../client/index.js';
import { loadCluster } from '../../proto/load.js';
import { LineServer } from '../e2e/process.js';
import { makeTestCerts, type TestCerts } from '../support/test-certs.js';
import { Cluster, KindlingNode } from './harness.js';
import { RawClient } from './raw-rpc.js';
import { startWordCounts, waitForCounts } from './word-count.js';
import { eventually } from '../support/eventually.js';

const BIN = [new URL('../../bin/kindling.js', import.meta.url), new URL('../../../bin/kindling.js', import.meta.url)]
  .map((u) => fileURLToPath(u))
  .find((p) => existsSync(p)) as string;

/** Runs `kindling <args>` to its exit (a command that starts would keep running: the timeout fails it). */
function run(args: readonly string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stderr: string } {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('KINDLING_')));
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...clean, ...env }, encoding: 'utf8', timeout: 15_000, killSignal: 'SIGKILL' });
  return { status: r.status, stderr: r.stderr };
}

describe('the cluster secret is required', () => {
  it.each([
    ['master', 'kindling: master needs a cluster secret shared by the master and its workers: --cluster-secret S (or KINDLING_CLUSTER_SECRET); --insecure runs without one'],
    ['worker', 'kindling: worker needs a cluster secret shared by the master and its workers: --cluster-secret S (or KINDLING_CLUSTER_SECRET); --insecure runs without one'],
  ])('`kindling %s` without one refuses to start (exit code 2)', (role, message) => {
    const r = run([role, '--port', '0', '--redis', 'redis://127.0.0.1:1']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(message);
    expect(run([role], { KINDLING_CLUSTER_SECRET: '' }).status).toBe(2);
  });

  it('cluster TLS needs all three files, and the Connect port both of its', () => {
    const half = run(['master', '--cluster-secret', 's', '--cluster-ca', '/nonexistent']);
    expect(half.status).toBe(2);
    expect(half.stderr.trim()).toBe('kindling: cluster TLS needs all of --cluster-ca, --cluster-cert and --cluster-key');
    const tls = run(['local', '--tls-cert', '/nonexistent']);
    expect(tls.status).toBe(2);
    expect(tls.stderr.trim()).toBe('kindling: TLS on the Spark Connect port needs both --tls-cert and --tls-key');
    const missing = run(['local', '--tls-cert', '/nonexistent', '--tls-key', '/nonexistent']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("--tls-cert: cannot read '/nonexistent'");
  });

  it('`--insecure` starts without one, and says so', async () => {
    const m = KindlingNode.spawn('insecure-master', ['master', '--insecure', '--host', '127.0.0.1', '--port', '0', '--cluster-port', '0', '--ui-port', '0', '--redis', 'redis://127.0.0.1:1', '--log-level', 'warn']);
    try {
      await m.waitFor(/Spark Connect on sc:\/\/localhost:\d+/);
      // stderr and stdout are separate pipes: the warning may arrive a moment after the URL.
      await eventually(async () => m.stderr.includes('--insecure: the cluster port accepts workers without a secret'), { timeoutMs: 10_000, message: 'the --insecure warning' });
    } finally {
      await m.stop('SIGKILL');
    }
  });
});

/**
 * A cluster with mutual TLS on the cluster and worker ports and TLS on the Connect port (set
 * through the KINDLING_* variables): it runs the seed query; a member without a certificate the
 * cluster CA signed is refused, whatever secret it knows.
 */
describe('a cluster with mutual TLS', () => {
  let certs: TestCerts;
  let cluster: Cluster;

  beforeAll(async () => {
    certs = makeTestCerts();
    const tls = ['--cluster-ca', certs.caPath, '--cluster-cert', certs.server.certPath, '--cluster-key', certs.server.keyPath];
    cluster = await Cluster.start({
      workers: 2,
      token: 'T',
      masterArgs: [...tls, '--tls-cert', certs.server.certPath, '--tls-key', certs.server.keyPath],
      workerArgs: ['--cluster-ca', certs.caPath, '--cluster-cert', certs.client.certPath, '--cluster-key', certs.client.keyPath],
    });
  }, 120_000);

  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail' && cluster) console.error(cluster.logs());
  });

  afterAll(async () => {
    await cluster?.close();
    certs?.remove();
  });

  it('runs the seed query over TLS end to end', async () => {
    const feed = await LineServer.start();
    const spark = await SparkSession.builder().remote(`sc://127.0.0.1:${cluster.port}/;token=T`).rootCertificates(certs.ca).create();
    try {
      await spark.conf.set('spark.sql.shuffle.partitions', '4');
      const q = await startWordCounts(spark, feed.port, 'tls_counts');
      await feed.waitForConnections(1);
      feed.broadcast(['cat dog cat', 'dog bird']);
      const counts = await waitForCounts(spark, 'tls_counts', new Map([['cat', 2], ['dog', 2], ['bird', 1]]));
      expect(Object.fromEntries(counts)).toEqual({ cat: 4, dog: 4, bird: 2 });
      await q.stop();
    } finally {
      await spark.stop();
      await feed.close();
    }
  }, 120_000);

  it('refuses peers without a certificate from the cluster CA, even with the secret', async () => {
    const { MasterService, WorkerService } = loadCluster();
    const register = { secret: cluster.secret, worker_id: 'intruder', address: '127.0.0.1:9', cores: 1, version: '0' };
    const plain = new RawClient(`127.0.0.1:${cluster.clusterPort}`, credentials.createInsecure(), MasterService.service);
    const stranger = new RawClient(
      `127.0.0.1:${cluster.clusterPort}`,
      credentials.createSsl(certs.ca, certs.stranger.key, certs.stranger.cert),
      MasterService.service,
    );
    const noCert = new RawClient(`127.0.0.1:${cluster.clusterPort}`, credentials.createSsl(certs.ca), MasterService.service);
    const member = new RawClient(`127.0.0.1:${cluster.clusterPort}`, credentials.createSsl(certs.ca, certs.client.key, certs.client.cert), MasterService.service);
    try {
      for (const c of [plain, stranger, noCert]) expect((await c.call('RegisterWorker', register, undefined, 5000)).code).toBe(status.UNAVAILABLE);
      // A member's certificate with a wrong secret is still refused.
      expect((await member.call('Heartbeat', { secret: 'wrong', worker_id: 'x', running_tasks: 0 })).code).toBe(status.UNAUTHENTICATED);
      const ws = await cluster.api<{ address: string }[]>('/api/workers');
      const worker = new RawClient(ws[0]?.address ?? '', credentials.createInsecure(), WorkerService.service);
      expect((await worker.call('GetStatus', { secret: cluster.secret }, undefined, 5000)).code).toBe(status.UNAVAILABLE);
      worker.close();
    } finally {
      for (const c of [plain, stranger, noCert, member]) c.close();
    }
    expect((await cluster.aliveWorkers()).length).toBe(2);
  });
});
