import { Server, ServerCredentials, type ServerUnaryCall, type sendUnaryData } from '@grpc/grpc-js';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReduceTask } from '../../../engine/exec/task.js';
import { WorkerUnreachableError } from '../../../master/cluster/remote-worker.js';
import { WorkerRegistry } from '../../../master/cluster/worker-registry.js';
import { loadCluster } from '../../../proto/load.js';

/**
 * A worker that takes task calls and never answers them, as a peer that vanished without closing
 * its connection looks to the master: once the registry declares it dead (no heartbeat), the
 * calls fail as unreachable, so their batch retries elsewhere instead of waiting for ever.
 */
describe('a worker declared dead', () => {
  const closers: (() => void)[] = [];
  afterEach(() => {
    for (const close of closers.splice(0).reverse()) close();
  });

  it('fails the task calls still waiting on it, as unreachable', async () => {
    const held: sendUnaryData<unknown>[] = [];
    const server = new Server();
    const hold = (_call: ServerUnaryCall<unknown, unknown>, cb: sendUnaryData<unknown>): void => void held.push(cb);
    server.addService(loadCluster().WorkerService.service, { RunMapTask: hold, RunReduceTask: hold, ReleaseQuery: hold, CancelTasks: hold, PushShuffle: hold, GetStatus: hold });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    closers.push(() => server.forceShutdown());
    const registry = new WorkerRegistry({ security: { secret: 's' }, workerTimeoutMs: 300, heartbeatIntervalMs: 100, log: pino({ level: 'silent' }) });
    closers.push(() => registry.close());
    registry.register('w-silent', `127.0.0.1:${port}`, 1);
    const worker = registry.live()[0];
    if (!worker) throw new Error('no live worker');
    const task: ReduceTask = {
      job: { queryId: 'q', run: 1, batchId: 0, attempt: 0 },
      partitions: [0],
      numMapTasks: 1,
      ops: [],
      state: { provider: 'memory', checkpoint: '/nowhere', operatorId: 0, lateBeforeUs: null, evictBeforeUs: null, outputMode: 'complete', emit: 'all', epochs: [0] },
      env: { batchTimestampMs: 0, timeZone: 'UTC', ansi: false },
    };
    // Without the registry's verdict this call would wait for ever (the test's timeout fails it).
    const outcome = await worker.runReduce(task).then(
      () => 'answered',
      (e: unknown) => e,
    );
    expect(outcome).toBeInstanceOf(WorkerUnreachableError);
    expect((outcome as Error).message).toMatch(/declared dead: no heartbeat/);
    expect(held.length).toBe(1);
    expect(registry.workers()[0]?.state).toBe('DEAD');
  });
});
