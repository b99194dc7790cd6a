import { describe, expect, it } from 'vitest';
import { builtinSplitReaders } from '../../../engine/connectors/index.js';
import { ShuffleStore } from '../../../engine/exec/shuffle-store.js';
import { TaskRunner } from '../../../engine/exec/task-runner.js';
import type { JobRef, ShuffleBlock } from '../../../engine/exec/task.js';
import { defaultRegistry } from '../../../engine/functions/builtin/index.js';
import { defaultOperators } from '../../../engine/physical/operators/index.js';

const block = (job: JobRef, mapTaskId: number): ShuffleBlock => ({ job, mapTaskId, partitions: new Map() });
const job = (run: number, attempt: number, batchId = 7): JobRef => ({ queryId: 'q', run, batchId, attempt });

describe('shuffle blocks carry their run and attempt', () => {
  it("a reduce takes exactly its attempt's map outputs 0..n-1, never another run's", () => {
    const store = new ShuffleStore();
    // A dead master's attempt 0 of batch 7 (run 1): three map tasks.
    for (let m = 0; m < 3; m++) store.put(block(job(1, 0), m));
    // The new run's attempt 0 of the same batch, with one map task.
    store.put(block(job(2, 0), 0));
    expect(store.take(job(2, 0), 1).map((b) => b.job)).toEqual([job(2, 0)]);
    expect(() => store.take(job(2, 1), 1)).toThrow(/incomplete: 0 of 1 map outputs/);
    expect(store.releaseOlderRuns('q', 2)).toBe(1);
    expect(store.size).toBe(1);
  });

  it('a worker drops older runs\' blocks when a newer run shows up, and refuses the older run from then on', () => {
    const dropped: number[] = [];
    const runner = new TaskRunner({
      workerId: 'w',
      registry: defaultRegistry,
      operators: defaultOperators,
      splitReaders: builtinSplitReaders(),
      stateStores: new Map(),
      shuffle: { push: () => Promise.resolve() },
      onStaleDropped: (_q, _run, jobs) => dropped.push(jobs),
    });
    runner.receive(block(job(1, 0), 0));
    runner.receive(block(job(1, 0), 1));
    runner.receive(block(job(2, 5), 0));
    expect(dropped).toEqual([1]);
    expect(runner.shuffleStore.size).toBe(1);
    expect(() => runner.receive(block(job(1, 0), 2))).toThrow(/belongs to run 1, but run 2 of the query has started since/);
    expect(runner.shuffleStore.size).toBe(1);
    // Other queries are not affected.
    runner.receive({ ...block(job(1, 0), 0), job: { ...job(1, 0), queryId: 'other' } });
    expect(runner.shuffleStore.size).toBe(2);
  });
});
