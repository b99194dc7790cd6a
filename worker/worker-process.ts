import { hostname } from 'node:os';
import { Server } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { builtinSplitReaders, type SplitReader } from '../engine/connectors/index.js';
import { TaskRunner } from '../engine/exec/task-runner.js';
import { defaultRegistry } from '../engine/functions/builtin/index.js';
import { defaultOperators } from '../engine/physical/operators/index.js';
import type { StateStoreProvider } from '../engine/state/state-store.js';
import { loadCluster } from '../proto/load.js';
import { tolerantDefinition } from '../proto/kindling/malformed.js';
import { clusterServerCredentials, type ClusterSecurity } from '../infra/grpc/cluster-security.js';
import { CLUSTER_SERVER_OPTIONS } from '../infra/grpc/options.js';
import { MasterLink } from './cluster/master-link.js';
import { PeerShuffle } from './cluster/peer-shuffle.js';
import { workerServiceHandlers } from './cluster/service.js';
import { startHealthServer } from './health-server.js';

export interface WorkerOptions {
  /** `kindling://host:7077`. */
  readonly master: string;
  /** Address to bind the task/shuffle gRPC port to. */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** The host other cluster members reach this worker at. */
  readonly advertiseHost: string;
  readonly cores: number;
  /** The cluster secret (empty only under `--insecure`) and optional mutual TLS. */
  readonly security: ClusterSecurity;
  /** Port of /healthz, /readyz, /metrics (0 picks one; undefined: none). */
  readonly metricsPort?: number;
  /** Serve `/metrics` without the cluster secret (for a Prometheus that cannot send it). */
  readonly metricsOpen?: boolean;
  readonly stateStores: readonly StateStoreProvider[];
  readonly splitReaders?: readonly SplitReader[];
  readonly workerId?: string;
  readonly version?: string;
  readonly log: Logger;
  /** How long a graceful shutdown waits for running tasks. */
  readonly drainTimeoutMs?: number;
}

export interface WorkerProcess {
  readonly id: string;
  readonly port: number;
  readonly metricsPort: number | undefined;
  readonly runner: TaskRunner;
  /** SIGTERM behaviour: refuse new tasks, finish running ones, deregister, close state stores. */
  shutdown(): Promise<void>;
  /** Stop now without deregistering (tests simulating a lost worker use kill -9 on a process instead). */
  close(): Promise<void>;
}

/**
 * `kindling worker`: runs stage tasks for the master (map: narrow operators, partial aggregation,
 * hash partitioning, push to owners; reduce: merge into the partitions' state stores) and
 * receives shuffle blocks from peers.
 */
export async function startWorker(options: WorkerOptions): Promise<WorkerProcess> {
  const log = options.log.child({ component: 'worker' });
  let draining = false;
  const server = new Server(CLUSTER_SERVER_OPTIONS);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${options.host ?? '0.0.0.0'}:${options.port}`, clusterServerCredentials(options.security), (e, p) => (e ? reject(e) : resolve(p))),
  );
  const id = options.workerId ?? `worker-${Date.now()}-${options.advertiseHost}-${port}`;
  const childLog = log.child({ workerId: id });
  const splitReaders = builtinSplitReaders();
  for (const r of options.splitReaders ?? []) splitReaders.register(r);
  let runnerRef: TaskRunner | undefined;
  const shuffle = new PeerShuffle(id, (block) => runnerRef?.receive(block), options.security);
  const runner = new TaskRunner({
    workerId: id,
    registry: defaultRegistry,
    operators: defaultOperators,
    splitReaders,
    stateStores: new Map(options.stateStores.map((s) => [s.name, s])),
    shuffle,
    onStaleDropped: (queryId, run, jobs) =>
      childLog.warn({ queryId, run, jobs }, 'dropped shuffle blocks of older runs of the query (a newer run started)'),
  });
  runnerRef = runner;

  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics, prefix: 'kindling_worker_' });
  new Gauge({ name: 'kindling_worker_running_tasks', help: 'Tasks running now', registers: [metrics], collect() { this.set(runner.runningTasks); } });
  const tasks = new Counter({ name: 'kindling_worker_tasks_total', help: 'Tasks run', labelNames: ['kind', 'outcome'], registers: [metrics] });
  const handlers = workerServiceHandlers({ runner, secret: options.security.secret, log: childLog, draining: () => draining });
  const counted = <K extends 'RunMapTask' | 'RunReduceTask'>(kind: K): (typeof handlers)[K] =>
    ((call: Parameters<(typeof handlers)[K]>[0], cb: Parameters<(typeof handlers)[K]>[1]) =>
      (handlers[kind] as (c: typeof call, b: typeof cb) => void)(call, (err, res) => {
        tasks.inc({ kind: kind === 'RunMapTask' ? 'map' : 'reduce', outcome: err || res?.error ? 'failed' : 'ok' });
        cb(err, res);
      })) as (typeof handlers)[K];
  server.addService(tolerantDefinition(loadCluster().WorkerService.service), { ...handlers, RunMapTask: counted('RunMapTask'), RunReduceTask: counted('RunReduceTask') });

  const link = new MasterLink({
    master: options.master,
    workerId: id,
    address: `${options.advertiseHost}:${port}`,
    cores: options.cores,
    security: options.security,
    version: options.version ?? '0',
    runningTasks: () => runner.runningTasks,
    log: childLog,
  });
  link.start();
  const health =
    options.metricsPort === undefined
      ? undefined
      : await startHealthServer(options.host ?? '0.0.0.0', options.metricsPort, metrics, {
          live: () => true,
          ready: () => link.isRegistered && !draining,
        }, options.metricsOpen === true ? '' : options.security.secret);
  childLog.info({ port, advertise: `${options.advertiseHost}:${port}`, cores: options.cores, master: options.master }, 'worker started');

  const stopEverything = async (deregister: boolean): Promise<void> => {
    await link.stop(deregister);
    await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    shuffle.close();
    await health?.close();
    for (const s of options.stateStores) await s.close();
  };
  return {
    id,
    port,
    metricsPort: health?.port,
    runner,
    async shutdown() {
      if (draining) return;
      draining = true;
      childLog.info('shutting down: finishing running tasks');
      const deadline = Date.now() + (options.drainTimeoutMs ?? 30_000);
      while (runner.runningTasks > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await stopEverything(true);
      childLog.info('worker stopped');
    },
    async close() {
      draining = true;
      server.forceShutdown();
      await stopEverything(false);
    },
  };
}

export function defaultAdvertiseHost(): string {
  return hostname();
}
