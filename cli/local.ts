import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { startConnectServer } from '../master/connect/index.js';
import { startMasterHttp } from '../master/http/master-http.js';
import { PartitionOwners } from '../master/http/partition-owners.js';
import type { WorkerInfo } from '../master/cluster/worker-registry.js';
import { LocalCluster } from '../master/execution/local-cluster.js';
import { MasterRuntime } from '../master/session/runtime.js';
import { FileCheckpointStoreFactory } from '../master/streaming/checkpoint/file-checkpoint.js';
import type { StateStoreProvider } from '../engine/state/state-store.js';
import type { ConnectTls } from './security.js';

export interface LocalOptions {
  readonly host?: string;
  readonly port: number;
  readonly workers: number;
  /** Root for checkpoints of queries that name none; also where named queries resume from. */
  readonly checkpointDir?: string;
  readonly token?: string;
  /** TLS on the Spark Connect port. */
  readonly tls?: ConnectTls;
  /** HTTP port for the web UI, /api and /metrics (undefined: none). */
  readonly uiPort?: number;
  readonly metricsOpen?: boolean;
  readonly stateStore?: StateStoreProvider;
  readonly conf?: Readonly<Record<string, string>>;
  readonly log: Logger;
}

export interface LocalMode {
  readonly port: number;
  readonly uiPort: number | undefined;
  readonly runtime: MasterRuntime;
  readonly cluster: LocalCluster;
  close(): Promise<void>;
}

/** `kindling local`: a master and N in-process workers, in-memory state with file checkpoints. */
export async function startLocal(options: LocalOptions): Promise<LocalMode> {
  let runtime: MasterRuntime | undefined;
  const owners = new PartitionOwners(() => runtime as MasterRuntime);
  const cluster = new LocalCluster({
    workers: options.workers,
    threadEntry: new URL('../worker/thread-entry.js', import.meta.url),
    ...(options.stateStore ? { stateStore: options.stateStore } : {}),
    events: {
      rebalanced: (queryId, moved, ownership) => {
        owners.record(queryId, ownership.owners);
        options.log.info({ component: 'scheduler', queryId, moved }, 'state partitions assigned');
      },
    },
  });
  const root = options.checkpointDir ? resolve(options.checkpointDir) : undefined;
  const temp = root ? join(root, '_temporary') : mkdtempSync(join(tmpdir(), 'kindling-'));
  runtime = new MasterRuntime({
    executor: cluster.scheduler,
    checkpoints: new FileCheckpointStoreFactory(temp),
    log: options.log,
    conf: { ...(root ? { 'spark.sql.streaming.checkpointLocation': root } : {}), ...(options.conf ?? {}) },
  });
  const server = await startConnectServer({
    runtime,
    port: options.port,
    ...(options.host ? { host: options.host } : {}),
    ...(options.token ? { token: options.token } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
    log: options.log,
  });
  const startedAt = Date.now();
  const http =
    options.uiPort === undefined
      ? undefined
      : await startMasterHttp({
          runtime,
          mode: 'local',
          workers: () => localWorkers(cluster, startedAt),
          partitionsOwned: () => owners.counts(),
          port: options.uiPort,
          log: options.log,
          ...(options.host ? { host: options.host } : {}),
          ...(options.token ? { token: options.token } : {}),
          metricsOpen: options.metricsOpen === true,
        });
  options.log.info({ component: 'master', port: server.port, uiPort: http?.port, workers: options.workers, checkpointDir: root ?? temp }, 'local mode ready');
  return {
    port: server.port,
    uiPort: http?.port,
    runtime,
    cluster,
    async close() {
      await runtime.shutdown();
      await server.close();
      await http?.close();
      await cluster.close();
    },
  };
}

/** Local mode's workers as the UI lists them: threads of this process, alive while it runs. */
function localWorkers(cluster: LocalCluster, startedAt: number): WorkerInfo[] {
  const now = Date.now();
  return cluster.pool.live().map((w) => ({
    id: w.id,
    address: 'thread of the master',
    cores: w.cores,
    state: 'ALIVE',
    registeredAt: startedAt,
    lastHeartbeat: now,
    runningTasks: 0,
    rssBytes: 0,
  }));
}
