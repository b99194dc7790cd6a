import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { recordBatch } from '../../../engine/batch/record-batch.js';
import { valuesVector } from '../../../engine/batch/vector.js';
import { ConcurrentModificationError, ExecutionError } from '../../../engine/errors/errors.js';
import type { JobRef, ShuffleBlock } from '../../../engine/exec/task.js';
import { ShuffleStore } from '../../../engine/exec/shuffle-store.js';
import { T } from '../../../engine/types/data-type.js';
import { schemaOf } from '../../../engine/types/schema.js';
import { ThreadPeers } from '../../../worker/thread-peers.js';

const job = (run: number, attempt: number): JobRef => ({ queryId: 'q', run, batchId: 3, attempt });
const block = (j: JobRef, mapTaskId: number): ShuffleBlock => ({
  job: j,
  mapTaskId,
  partitions: new Map([[1, recordBatch(schemaOf([T.field('word', T.string)]), 2, [valuesVector(['x', 'y'])])]]),
});

/** Two workers' shuffle ends joined by a real MessageChannel (in one thread: the channel still clones). */
function pair(acceptB: (b: ShuffleBlock) => void = () => undefined) {
  const inboxA = new ShuffleStore();
  const inboxB = new ShuffleStore();
  const a = new ThreadPeers('a', (b) => inboxA.put(b));
  const b = new ThreadPeers('b', (blk) => {
    acceptB(blk);
    inboxB.put(blk);
  });
  const { port1, port2 } = new MessageChannel();
  a.connect('b', port1);
  b.connect('a', port2);
  return { a, b, inboxA, inboxB, port1, port2 };
}

describe('ThreadPeers: the shuffle between local-mode worker threads', () => {
  it("resolves a push once the owner's inbox holds the block (a copy), and keeps its own blocks local", async () => {
    const { a, b, inboxA, inboxB, port1 } = pair();
    const sent = block(job(1, 0), 0);
    await a.push('b', sent);
    const [got] = inboxB.take(job(1, 0), 1);
    expect(got).toEqual(sent);
    expect(got).not.toBe(sent);
    // A block for itself goes to its own inbox without a message.
    const own = block(job(1, 0), 0);
    await a.push('a', own);
    expect(inboxA.take(job(1, 0), 1)).toEqual([own]);
    expect(a.stats()).toEqual({ blocksSent: 1, blocksReceived: 0, peers: ['b'] });
    expect(b.stats()).toEqual({ blocksSent: 0, blocksReceived: 1, peers: ['a'] });
    port1.close();
  });

  it("fails a push with the owner's error (a refused older run), as a ConcurrentModificationError", async () => {
    const { a, port1 } = pair((blk) => {
      if (blk.job.run < 2) throw new ConcurrentModificationError(`run ${blk.job.run} is older than run 2`);
    });
    await expect(a.push('b', block(job(1, 0), 0))).rejects.toThrow(ConcurrentModificationError);
    await a.push('b', block(job(2, 0), 0));
    port1.close();
  });

  it('fails pushes to a peer whose channel closed (its thread exited), and forgets the peer', async () => {
    const { a, port1, port2 } = pair();
    const closed = new Promise<void>((resolve) => port1.once('close', () => resolve()));
    port2.close();
    await closed;
    await expect(a.push('b', block(job(1, 0), 0))).rejects.toThrow(ExecutionError);
    await expect(a.push('b', block(job(1, 0), 0))).rejects.toThrow(/No worker thread b/);
    expect(a.stats().peers).toEqual([]);
  });
});
