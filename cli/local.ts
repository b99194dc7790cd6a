import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { startConnectServer } from '../master/connect/index.js';
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
  readonly stateStore?: StateStoreProvider;
  readonly conf?: Readonly<Record<string, string>>;
  readonly log: Logger;
}

export interface LocalMode {
  readonly port: number;
  readonly runtime: MasterRuntime;
  readonly cluster: LocalCluster;
  close(): Promise<void>;
}

/** `kindling local`: a master and N in-process workers, in-memory state with file checkpoints. */
export async function startLocal(options: LocalOptions): Promise<LocalMode> {
  const cluster = new LocalCluster({
    workers: options.workers,
    threadEntry: new URL('../worker/thread-entry.js', import.meta.url),
    ...(options.stateStore ? { stateStore: options.stateStore } : {}),
    events: {
      rebalanced: (queryId, moved) => options.log.info({ component: 'scheduler', queryId, moved }, 'state partitions assigned'),
    },
  });
  const root = options.checkpointDir ? resolve(options.checkpointDir) : undefined;
  const temp = root ? join(root, '_temporary') : mkdtempSync(join(tmpdir(), 'kindling-'));
  const runtime = new MasterRuntime({
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
  options.log.info({ component: 'master', port: server.port, workers: options.workers, checkpointDir: root ?? temp }, 'local mode ready');
  return {
    port: server.port,
    runtime,
    cluster,
    async close() {
      await runtime.shutdown();
      await server.close();
      await cluster.close();
    },
  };
}
