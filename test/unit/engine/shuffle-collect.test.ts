import { describe, expect, it } from 'vitest';
import { builtinSplitReaders } from '../../../engine/connectors/index.js';
import { ShuffleStore } from '../../../engine/exec/shuffle-store.js';
import { TaskRunner } from '../../../engine/exec/task-runner.js';
import type { JobRef, ShuffleBlock } from '../../../engine/exec/task.js';
import { defaultRegistry } from '../../../engine/functions/builtin/index.js';
import { defaultOperators } from '../../../engine/physical/operators/index.js';

const block = (job: JobRef, mapTaskId: number): ShuffleBlock => ({ job, mapTaskId, partitions: new Map() });
const job = (run: number, attempt: number, batchId = 7, queryId = 'q'): JobRef => ({ queryId, run, batchId, attempt });

/** What a promise did so far, read after the microtasks ran. */
function watch<T>(p: Promise<T>): { state: () => 'pending' | 'resolved' | 'rejected'; value: () => T | undefined; error: () => unknown } {
  let state: 'pending' | 'resolved' | 'rejected' = 'pending';
  let value: T | undefined;
  let error: unknown;
  p.then(
    (v) => {
      state = 'resolved';
      value = v;
    },
    (e: unknown) => {
      state = 'rejected';
      error = e;
    },
  );
  return { state: () => state, value: () => value, error: () => error };
}
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('a reduce task sent with the map tasks waits for its blocks', () => {
  it('resolves when the last of blocks 0..n-1 lands, with exactly those blocks', async () => {
    const store = new ShuffleStore();
    store.put(block(job(1, 0), 1));
    const got = watch(store.collect(job(1, 0), 3));
    store.put(block(job(1, 1), 0)); // another attempt's block is no part of it
    store.put(block(job(1, 0), 0));
    await settle();
    expect(got.state()).toBe('pending');
    store.put(block(job(1, 0), 2));
    await settle();
    expect(got.state()).toBe('resolved');
    expect(got.value()?.map((b) => b.mapTaskId)).toEqual([0, 1, 2]);
  });

  it('resolves at once when the blocks are there, and with none expected', async () => {
    const store = new ShuffleStore();
    store.put(block(job(1, 0), 0));
    expect((await store.collect(job(1, 0), 1)).length).toBe(1);
    expect(await store.collect(job(1, 2), 0)).toEqual([]);
  });

  it('ends the wait when the attempt is released (cancelled), the query released, or a newer run arrives', async () => {
    const store = new ShuffleStore();
    const cancelled = watch(store.collect(job(1, 0, 7), 2));
    const stopped = watch(store.collect(job(1, 0, 7, 'other'), 1));
    const older = watch(store.collect(job(1, 1, 8), 1));
    store.release(job(1, 0, 7));
    store.releaseQuery('other');
    store.releaseOlderRuns('q', 2);
    await settle();
    expect(String(cancelled.error())).toMatch(/batch 7 \(run 1, attempt 0\) of query q was cancelled/);
    expect(String(stopped.error())).toMatch(/was superseded/);
    expect(String(older.error())).toMatch(/batch 8 \(run 1, attempt 1\) of query q was superseded/);
    expect(store.size).toBe(0);
  });

  it("a task or block of a later attempt ends an earlier attempt's wait on the worker", async () => {
    const runner = new TaskRunner({
      workerId: 'w',
      registry: defaultRegistry,
      operators: defaultOperators,
      splitReaders: builtinSplitReaders(),
      stateStores: new Map(),
      shuffle: { push: () => Promise.resolve() },
    });
    const waiting = watch(runner.shuffleStore.collect(job(3, 4), 2));
    runner.receive(block(job(3, 4), 0));
    runner.receive(block(job(3, 5, 7, 'other'), 0)); // other queries leave it alone
    await settle();
    expect(waiting.state()).toBe('pending');
    runner.receive(block(job(3, 5), 0)); // the retry of batch 7 started: attempt 4 is dead
    await settle();
    expect(String(waiting.error())).toMatch(/attempt 4\) of query q was superseded/);
    expect(runner.shuffleStore.size).toBe(2);
  });

  it('a second reduce task of the same attempt on the same worker is refused', async () => {
    const store = new ShuffleStore();
    const first = watch(store.collect(job(1, 0), 1));
    await expect(store.collect(job(1, 0), 1)).rejects.toThrow(/already has a reduce task waiting/);
    store.put(block(job(1, 0), 0));
    await settle();
    expect(first.state()).toBe('resolved');
  });
});
