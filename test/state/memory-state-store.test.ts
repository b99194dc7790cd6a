import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSegment } from '../../engine/state/delta-segment.js';
import { MemoryStateStoreProvider } from '../../engine/state/memory-state-store.js';
import { formatStateFile } from '../../engine/state/state-file.js';
import type { StateStoreLocation } from '../../engine/state/state-store.js';
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

describe('memory state store: deltas appended to segment files', () => {
  const partitionDir = (dir: string): string => join(dir, 'state', '0', '0');
  const loc = (dir: string): StateStoreLocation => ({ checkpoint: dir, operatorId: 0, partition: 0, epoch: 0 });

  it('appends every batch to one segment, and a restart reads it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindling-state-'));
    try {
      const p1 = new MemoryStateStoreProvider();
      const s = await p1.open(loc(dir));
      await s.applyBatch(batch(0, [row(['a'], null, [1])]));
      await s.applyBatch(batch(1, [row(['a'], null, [2]), row(['b'], null, [1])]));
      await s.applyBatch(batch(2, [row(['c'], null, [3])]));
      expect(readdirSync(partitionDir(dir)).sort()).toEqual(['1.deltas']);
      const again = await new MemoryStateStoreProvider().open(loc(dir));
      expect(await again.lastAppliedBatch()).toBe(2);
      expect(canon(await again.rows())).toEqual(canon([row(['a'], null, [3]), row(['b'], null, [1]), row(['c'], null, [3])]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a checkpoint of one .delta file per batch (written before segments) and goes on in a segment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindling-state-'));
    try {
      mkdirSync(partitionDir(dir), { recursive: true });
      const result = { rows: [], numRowsTotal: 1, numRowsUpdated: 1, numRowsRemoved: 0, numRowsDroppedByWatermark: 0, memoryUsedBytes: 0 };
      writeFileSync(join(partitionDir(dir), '1.delta'), formatStateFile({ batchId: 0, rows: [row(['a'], null, [1])], removed: [], result }));
      writeFileSync(join(partitionDir(dir), '2.delta'), formatStateFile({ batchId: 1, rows: [row(['a'], null, [5])], removed: [], result }));
      const s = await new MemoryStateStoreProvider().open(loc(dir));
      expect(await s.lastAppliedBatch()).toBe(1);
      await s.applyBatch(batch(2, [row(['a'], null, [1]), row(['b'], null, [2])]));
      expect(readdirSync(partitionDir(dir)).sort()).toEqual(['1.delta', '2.delta', '3.deltas']);
      const again = await new MemoryStateStoreProvider().open(loc(dir));
      expect(await again.lastAppliedBatch()).toBe(2);
      expect(canon(await again.rows())).toEqual(canon([row(['a'], null, [6]), row(['b'], null, [2])]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('drops a record torn by a crash: a restart reads the records before it, and the next append replaces it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindling-state-'));
    try {
      const s = await new MemoryStateStoreProvider().open(loc(dir));
      await s.applyBatch(batch(0, [row(['a'], null, [1])]));
      await s.applyBatch(batch(1, [row(['a'], null, [2])]));
      const segment = join(partitionDir(dir), '1.deltas');
      const whole = readFileSync(segment);
      // The crash: batch 1's record only half written.
      expect(parseSegment(whole).records.length).toBe(2);
      const firstEnd = whole.indexOf('kindling-delta 2 ');
      expect(firstEnd).toBeGreaterThan(0);
      writeFileSync(segment, whole.subarray(0, firstEnd + Math.floor((whole.length - firstEnd) / 2)));
      const again = await new MemoryStateStoreProvider().open(loc(dir));
      expect(await again.lastAppliedBatch()).toBe(0);
      await again.applyBatch(batch(1, [row(['a'], null, [7])]));
      expect(parseSegment(readFileSync(segment)).records.map((r) => r.version)).toEqual([1, 2]);
      const third = await new MemoryStateStoreProvider().open(loc(dir));
      expect(canon(await third.rows())).toEqual(canon([row(['a'], null, [8])]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('starts a new segment after a snapshot, and a restart reads the snapshot and the segment after it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindling-state-'));
    try {
      const s = await new MemoryStateStoreProvider().open(loc(dir));
      for (let b = 0; b < 12; b++) await s.applyBatch(batch(b, [row(['a'], null, [1]), row([`k${b}`], null, [b])]));
      expect(readdirSync(partitionDir(dir)).sort()).toEqual(['1.deltas', '10.snapshot', '11.deltas']);
      const again = await new MemoryStateStoreProvider().open(loc(dir));
      expect(await again.lastAppliedBatch()).toBe(11);
      expect(canon(await again.rows())).toEqual(canon(await s.rows()));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
