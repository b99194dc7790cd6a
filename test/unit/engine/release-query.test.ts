import { describe, expect, it } from 'vitest';
import { builtinSplitReaders } from '../../../engine/connectors/index.js';
import { TaskRunner } from '../../../engine/exec/task-runner.js';
import type { ReduceTask } from '../../../engine/exec/task.js';
import { defaultRegistry } from '../../../engine/functions/builtin/index.js';
import { defaultOperators } from '../../../engine/physical/operators/index.js';
import type { StateStoreProvider } from '../../../engine/state/state-store.js';

/** A provider that only records what it is told to release (no partition is opened here). */
function recordingProvider(released: string[]): StateStoreProvider {
  return { name: 'rec', open: () => Promise.reject(new Error('not opened in this test')), release: (c) => released.push(c), close: () => Promise.resolve() };
}

const reduceTask = (queryId: string, checkpoint: string): ReduceTask => ({
  job: { queryId, run: 1, batchId: 0, attempt: 0 },
  partitions: [],
  numMapTasks: 0,
  ops: [],
  state: { provider: 'rec', checkpoint, operatorId: 0, lateBeforeUs: null, evictBeforeUs: null, outputMode: 'complete', emit: 'all', epochs: [] },
  env: { batchTimestampMs: 0, timeZone: 'UTC', ansi: false },
});

describe('a released query lets go of its state on the worker', () => {
  it("releaseQuery tells the provider to release each checkpoint the query's reduce tasks applied to, once", async () => {
    const released: string[] = [];
    const runner = new TaskRunner({
      workerId: 'w',
      registry: defaultRegistry,
      operators: defaultOperators,
      splitReaders: builtinSplitReaders(),
      stateStores: new Map([['rec', recordingProvider(released)]]),
      shuffle: { push: () => Promise.resolve() },
    });
    await runner.runReduce(reduceTask('q1', 'cp-a'));
    await runner.runReduce(reduceTask('q1', 'cp-a'));
    await runner.runReduce(reduceTask('q2', 'cp-b'));
    runner.releaseQuery('q1');
    expect(released).toEqual(['cp-a']);
    // Released once: a second release of the same query has nothing left to let go.
    runner.releaseQuery('q1');
    expect(released).toEqual(['cp-a']);
    runner.releaseQuery('q2');
    expect(released).toEqual(['cp-a', 'cp-b']);
  });
});
