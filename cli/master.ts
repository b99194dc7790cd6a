import type { Logger } from 'pino';
import { startConnectServer } from '../master/connect/index.js';
import { startClusterServer } from '../master/cluster/cluster-server.js';
import { WorkerRegistry } from '../master/cluster/worker-registry.js';
import { RedisOwnershipStore } from '../master/execution/redis-ownership-store.js';
import { StageScheduler } from '../master/execution/stage-scheduler.js';
import { startMasterHttp } from '../master/http/master-http.js';
import { PartitionOwners } from '../master/http/partition-owners.js';
import { MasterRuntime } from '../master/session/runtime.js';
import { masterSources } from '../master/sources/index.js';
import { redisStreamSourceProvider } from '../master/sources/redis-stream-source.js';
import { RedisCheckpointStoreFactory } from '../master/streaming/checkpoint/redis-checkpoint.js';
import type { ClusterSecurity } from '../infra/grpc/cluster-security.js';
import { RedisConnections, redact } from '../infra/redis/connect.js';
import type { ConnectTls } from './security.js';

export interface MasterOptions {
  readonly host?: string;
  /** Spark Connect (15002). */
  readonly port: number;
  /** Cluster protocol for workers (7077). */
  readonly clusterPort: number;
  /** HTTP: /healthz, /metrics, /api (8080). */
  readonly uiPort: number;
  readonly redis: string;
  /** The cluster secret (empty only under `--insecure`) and optional mutual TLS. */
  readonly cluster: ClusterSecurity;
  /** AUTH password for `redis` when its URL carries none. */
  readonly redisPassword?: string;
  readonly token?: string;
  /** TLS on the Spark Connect port. */
  readonly tls?: ConnectTls;
  /** Serve /metrics without the token (for a Prometheus scraper) even when a token is set. */
  readonly metricsOpen?: boolean;
  readonly workerTimeoutMs: number;
  readonly heartbeatIntervalMs?: number;
  readonly conf?: Readonly<Record<string, string>>;
  readonly log: Logger;
}

export interface MasterProcess {
  readonly port: number;
  readonly clusterPort: number;
  readonly uiPort: number;
  readonly registry: WorkerRegistry;
  readonly runtime: MasterRuntime;
  close(): Promise<void>;
}

/**
 * `kindling master`: Spark Connect sessions, analysis and planning, the micro-batch driver,
 * checkpoints in Redis, a worker registry, and the scheduler handing stage tasks to workers.
 */
export async function startMaster(options: MasterOptions): Promise<MasterProcess> {
  const log = options.log;
  const redis = new RedisConnections(log, 'kindling-master', { url: options.redis, password: options.redisPassword });
  const main = redis.connect(options.redis);
  const registry = new WorkerRegistry({
    security: options.cluster,
    workerTimeoutMs: options.workerTimeoutMs,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? Math.max(100, Math.floor(options.workerTimeoutMs / 5)),
    log,
  });
  let runtime: MasterRuntime | undefined;
  const owners = new PartitionOwners(() => runtime as MasterRuntime);
  const scheduler = new StageScheduler(registry, new RedisOwnershipStore(main), 'redis', {
    rebalanced: (queryId, moved, ownership) => {
      owners.record(queryId, ownership.owners);
      log.info({ component: 'scheduler', queryId, moved }, 'state partitions rebalanced');
    },
  });
  const sources = masterSources().register(redisStreamSourceProvider(redis.connect));
  runtime = new MasterRuntime({
    executor: scheduler,
    checkpoints: new RedisCheckpointStoreFactory(main),
    sources,
    log,
    conf: { ...(options.conf ?? {}) },
  });
  const cluster = await startClusterServer({ registry, port: options.clusterPort, security: options.cluster, log, ...(options.host ? { host: options.host } : {}) });
  const connect = await startConnectServer({
    runtime,
    port: options.port,
    log,
    ...(options.host ? { host: options.host } : {}),
    ...(options.token ? { token: options.token } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
  });
  const http = await startMasterHttp({
    runtime,
    mode: 'cluster',
    workers: () => registry.workers(),
    partitionsOwned: () => owners.counts(),
    ready: async () => (await main.ping()) === 'PONG',
    redisUp: async () => (await main.ping()) === 'PONG',
    ...(options.token ? { token: options.token } : {}),
    metricsOpen: options.metricsOpen === true,
    port: options.uiPort,
    log,
    ...(options.host ? { host: options.host } : {}),
  });
  log.info(
    { component: 'master', port: connect.port, clusterPort: cluster.port, uiPort: http.port, redis: redact(options.redis) },
    'master ready',
  );
  return {
    port: connect.port,
    clusterPort: cluster.port,
    uiPort: http.port,
    registry,
    runtime,
    async close() {
      await runtime.shutdown();
      await connect.close();
      await cluster.close();
      await http.close();
      registry.close();
      await redis.close();
    },
  };
}

