import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryStateStoreProvider } from '../../engine/state/memory-state-store.js';
import { batch, canon, describeStateStore, row } from './state-store.contract.js';

/** Checkpoints are directories; a restart is a new provider reading the same files. */
describeStateStore(
  'memory (file checkpoints)',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindling-state-'));
    let provider = new MemoryStateStoreProvider();
    let n = 0;
    return Promise.resolve({
      get provider() {
        return provider;
      },
      checkpoint: () => join(dir, `cp-${n++}`),
      async restart() {
        await provider.close();
        provider = new MemoryStateStoreProvider();
      },
      async close() {
        await provider.close();
        rmSync(dir, { recursive: true, force: true });
      },
    });
  },
  { fencing: false },
);

describe('memory state store: a batch whose delta file cannot be written', () => {
  it('leaves the state as the last applied batch left it (merges, new keys and evictions undone), and its retry applies once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindling-state-'));
    const provider = new MemoryStateStoreProvider();
    try {
      const s = await provider.open({ checkpoint: dir, operatorId: 0, partition: 0, epoch: 0 });
      const first = [row([[0, 10], 'a'], 10, [1]), row([[0, 10], 'b'], 10, [2]), row([[5, 15], 'a'], 15, [3]), row(['x'], null, [4])];
      await s.applyBatch(batch(0, first));
      const next = batch(1, [row([[0, 10], 'a'], 10, [5]), row([[5, 15], 'a'], 15, [1]), row([[20, 30], 'c'], 30, [1]), row(['x'], null, [1])], {
        evictBeforeUs: 10,
      });
      const partition = join(dir, 'state', '0', '0');
      // The delta's directory is gone: the write fails after the batch was merged in memory.
      rmSync(partition, { recursive: true, force: true });
      await expect(s.applyBatch(next)).rejects.toThrow();
      expect(await s.lastAppliedBatch()).toBe(0);
      expect(canon(await s.rows())).toEqual(canon(first));
      mkdirSync(partition, { recursive: true });
      const r = await s.applyBatch(next);
      expect(r.replayed).toBe(false);
      expect(r.numRowsRemoved).toBe(2);
      expect(canon(await s.rows())).toEqual(canon([row([[5, 15], 'a'], 15, [4]), row([[20, 30], 'c'], 30, [1]), row(['x'], null, [5])]));
    } finally {
      await provider.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
