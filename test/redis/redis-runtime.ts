import { Redis } from 'ioredis';
import { pino } from 'pino';
import { builtinSplitReaders, type SourceProvider, type SplitReader } from '../../engine/connectors/index.js';
import { TaskRunner } from '../../engine/exec/task-runner.js';
import { defaultRegistry } from '../../engine/functions/builtin/index.js';
import { defaultOperators } from '../../engine/physical/operators/index.js';
import { MemoryStateStoreProvider } from '../../engine/state/memory-state-store.js';
import { LocalWorker, LocalWorkerPool } from '../../master/execution/local-workers.js';
import { RedisOwnershipStore } from '../../master/execution/redis-ownership-store.js';
import { StageScheduler } from '../../master/execution/stage-scheduler.js';
import { MasterRuntime } from '../../master/session/runtime.js';
import type { Session } from '../../master/session/session.js';
import { masterSources } from '../../master/sources/index.js';
import { RedisCheckpointStoreFactory } from '../../master/streaming/checkpoint/redis-checkpoint.js';

export interface RedisRuntime {
  readonly runtime: MasterRuntime;
  readonly session: Session;
  readonly redis: Redis;
  close(): Promise<void>;
}

/**
 * What a cluster master composes, in one process: checkpoints and partition ownership in Redis,
 * same-thread workers (memory state persisted under the checkpoint name, used as a path), and
 * extra sources / split readers (the `redis` stream format).
 */
export function redisRuntime(
  url: string,
  extra: { sources?: readonly SourceProvider[]; readers?: readonly SplitReader[]; workers?: number } = {},
): RedisRuntime {
  const redis = new Redis(url);
  const pool = new LocalWorkerPool();
  const state = new MemoryStateStoreProvider();
  const readers = builtinSplitReaders();
  for (const r of extra.readers ?? []) readers.register(r);
  for (let i = 0; i < (extra.workers ?? 2); i++) {
    const runner = new TaskRunner({
      workerId: `worker-${i}`,
      registry: defaultRegistry,
      operators: defaultOperators,
      splitReaders: readers,
      stateStores: new Map([[state.name, state]]),
      shuffle: pool,
    });
    pool.add(new LocalWorker(runner, 1));
  }
  const sources = masterSources();
  for (const s of extra.sources ?? []) sources.register(s);
  const runtime = new MasterRuntime({
    executor: new StageScheduler(pool, new RedisOwnershipStore(redis), state.name),
    checkpoints: new RedisCheckpointStoreFactory(redis),
    log: pino({ level: process.env['KINDLING_TEST_LOG'] ?? 'silent' }),
    sources,
    conf: { 'spark.sql.session.timeZone': 'UTC', 'spark.sql.shuffle.partitions': '3' },
  });
  return {
    runtime,
    session: runtime.session('tester', 'session-1'),
    redis,
    async close() {
      await runtime.shutdown();
      await state.close();
      redis.disconnect();
    },
  };
}
