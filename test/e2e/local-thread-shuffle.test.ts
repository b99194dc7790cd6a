import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStream } from '../../engine/connectors/index.js';
import { E } from '../../engine/expr/expr.js';
import { T } from '../../engine/types/data-type.js';
import { schemaOf } from '../../engine/types/schema.js';
import type { ThreadWorker } from '../../master/execution/thread-workers.js';
import { Q } from '../stream/queries.js';
import { AddData, CheckAnswer, Execute, testStream } from '../stream/stream-test.js';
import { localRuntime, type LocalRuntime } from '../support/local-runtime.js';

/**
 * Local mode with its workers as real threads (the built entry `kindling local` uses): shuffle
 * blocks go from the map task's thread straight to the owner's thread, and a thread lost in the
 * middle of a batch costs a retry, never a row.
 */
const ENTRY = new URL('../../dist/worker/thread-entry.js', import.meta.url);

const wordStream = (): MemoryStream => new MemoryStream(schemaOf([T.field('value', T.string)]));
const wordCounts = (s: MemoryStream) => Q.groupBy(Q.read(s), [E.col('value')], [Q.count()]);
const threads = (env: LocalRuntime): ThreadWorker[] => env.cluster.pool.live() as ThreadWorker[];

describe('local mode: worker threads shuffle to each other', () => {
  let env: LocalRuntime | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it('is built (dist/worker/thread-entry.js), as `npm test` does first', () => {
    expect(existsSync(fileURLToPath(ENTRY))).toBe(true);
  });

  it('sends every block from the map thread to the owner thread directly, each acknowledged once', async () => {
    env = localRuntime({ workers: 2, threadEntry: ENTRY, conf: { 'spark.sql.shuffle.partitions': '8' } });
    const s = wordStream();
    const words = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
    await testStream(env, wordCounts(s), { outputMode: 'complete' }, [
      AddData(s, ...words),
      CheckAnswer(...words.map((w) => [w, 1])),
      AddData(s, ...words, 'a'),
      CheckAnswer(...words.map((w) => [w, w === 'a' ? 3 : 2])),
    ]);
    const [first, second] = threads(env);
    if (!first || !second) throw new Error('expected two worker threads');
    const a = await first.shuffleStats();
    const b = await second.shuffleStats();
    expect(a.peers).toEqual([second.id]);
    expect(b.peers).toEqual([first.id]);
    // Two batches, one map task each (a memory stream is one split), dealt to the first thread:
    // it sent the second thread one block per batch, which took both from the channel.
    expect(a).toMatchObject({ blocksSent: 2, blocksReceived: 0 });
    expect(b).toMatchObject({ blocksSent: 0, blocksReceived: 2 });
  });

  it('a thread terminated mid-batch (its inbox holding blocks) is replaced, and the retry counts every word once', async () => {
    env = localRuntime({ workers: 2, threadEntry: ENTRY, conf: { 'spark.sql.shuffle.partitions': '8' } });
    const s = wordStream();
    const words = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
    let killedAtBatch: number | undefined;
    const cluster = env.cluster;
    await testStream(env, wordCounts(s), { outputMode: 'complete' }, [
      AddData(s, ...words),
      CheckAnswer(...words.map((w) => [w, 1])),
      Execute(() => {
        // The second thread's reduce of batch 1 runs after every map task of it finished, so its
        // block is in the thread's inbox, and the first thread's reduce may already have applied
        // the batch: it dies right then.
        const victim = threads(env as LocalRuntime)[1] as ThreadWorker;
        const reduce = victim.runReduce.bind(victim);
        victim.runReduce = async (task) => {
          if (task.job.batchId === 1 && killedAtBatch === undefined) {
            killedAtBatch = task.job.batchId;
            await victim.terminate();
          }
          return reduce(task);
        };
      }),
      AddData(s, ...words, 'a'),
      CheckAnswer(...words.map((w) => [w, w === 'a' ? 3 : 2])),
      AddData(s, 'b', 'k'),
      CheckAnswer(...words.map((w) => [w, w === 'a' ? 3 : w === 'b' ? 3 : 2]), ['k', 1]),
    ]);
    expect(killedAtBatch).toBe(1);
    const ids = threads(env).map((w) => w.id);
    expect(ids).toEqual(['local-worker-0', 'local-worker-2']);
    // The replacement got a channel to the survivor and took blocks over it.
    const replacement = await (threads(env)[1] as ThreadWorker).shuffleStats();
    expect(replacement.peers).toEqual(['local-worker-0']);
    expect(replacement.blocksReceived).toBeGreaterThan(0);
    expect(cluster.pool.live()).toHaveLength(2);
  });
});
