import type { Logger } from 'pino';
import { RedisStateStoreProvider, STATE_STORE_REDIS_OPTIONS } from '../worker/state/redis/redis-state-store.js';
import { redisStreamSplitReader } from '../worker/sources/redis-stream-reader.js';
import { startWorker, type WorkerProcess } from '../worker/worker-process.js';
import type { ClusterSecurity } from '../infra/grpc/cluster-security.js';
import { RedisConnections } from '../infra/redis/connect.js';

export interface WorkerCliOptions {
  readonly master: string;
  readonly redis: string;
  readonly redisPassword?: string;
  readonly host: string;
  readonly port: number;
  readonly advertiseHost: string;
  readonly cores: number;
  /** The cluster secret (empty only under `--insecure`) and optional mutual TLS. */
  readonly cluster: ClusterSecurity;
  readonly metricsPort?: number;
  readonly metricsOpen?: boolean;
  readonly log: Logger;
}

/** `kindling worker`: a worker process with its state in Redis. */
export async function startWorkerProcess(options: WorkerCliOptions): Promise<{ worker: WorkerProcess; close(): Promise<void> }> {
  const redis = new RedisConnections(options.log, 'kindling-worker', { url: options.redis, password: options.redisPassword });
  // The state store has a connection of its own, with settings made for guarded writes.
  const state = new RedisStateStoreProvider(
    redis.open(options.redis, 'state', { ...STATE_STORE_REDIS_OPTIONS, enableAutoPipelining: false, connectionName: `kindling-worker-${process.pid}` }),
    options.log,
  );
  const worker = await startWorker({
    master: options.master,
    host: options.host,
    port: options.port,
    advertiseHost: options.advertiseHost,
    cores: options.cores,
    security: options.cluster,
    stateStores: [state],
    splitReaders: [redisStreamSplitReader(redis.connect)],
    log: options.log,
    ...(options.metricsPort === undefined ? {} : { metricsPort: options.metricsPort }),
    metricsOpen: options.metricsOpen === true,
  });
  return {
    worker,
    async close() {
      await redis.close();
    },
  };
}
