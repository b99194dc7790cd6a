import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Clock } from '../../engine/util/clock.js';
import { LocalCluster } from '../../master/execution/local-cluster.js';
import { MasterRuntime } from '../../master/session/runtime.js';
import type { Session } from '../../master/session/session.js';
import { FileCheckpointStoreFactory } from '../../master/streaming/checkpoint/file-checkpoint.js';

export interface LocalRuntime {
  readonly runtime: MasterRuntime;
  readonly cluster: LocalCluster;
  readonly session: Session;
  readonly dir: string;
  close(): Promise<void>;
}

/**
 * A master runtime with in-process workers and a scratch directory, for engine-level tests. With
 * `threadEntry` (the built `dist/worker/thread-entry.js`), workers are threads as in `kindling local`.
 */
export function localRuntime(
  options: { workers?: number; clock?: Clock; conf?: Record<string, string>; threadEntry?: URL } = {},
): LocalRuntime {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-test-'));
  const cluster = new LocalCluster({ workers: options.workers ?? 2, ...(options.threadEntry ? { threadEntry: options.threadEntry } : {}) });
  const runtime = new MasterRuntime({
    executor: cluster.scheduler,
    checkpoints: new FileCheckpointStoreFactory(join(dir, 'temp')),
    log: pino({ level: process.env['KINDLING_TEST_LOG'] ?? 'silent' }),
    ...(options.clock ? { clock: options.clock } : {}),
    conf: { 'spark.sql.session.timeZone': 'UTC', ...(options.conf ?? {}) },
  });
  const session = runtime.session('tester', 'session-1');
  return {
    runtime,
    cluster,
    session,
    dir,
    async close() {
      await runtime.shutdown();
      await cluster.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
