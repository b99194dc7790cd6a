import { describe, expect, it } from 'vitest';
import { movedPartitions, rebalance, type Ownership } from '../../../master/execution/partition-ownership.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** The fewest moves any balanced assignment of `n` partitions to `workers` needs, by trying them all. */
function fewestMoves(previous: Ownership, n: number, workers: readonly string[]): number {
  let best = Infinity;
  const owners = new Array<string>(n);
  const visit = (p: number): void => {
    if (p === n) {
      const counts = workers.map((w) => owners.filter((o) => o === w).length);
      if (Math.max(...counts) - Math.min(...counts) > 1) return;
      best = Math.min(best, owners.filter((o, i) => previous.owners[i] !== o).length);
      return;
    }
    for (const w of workers) {
      owners[p] = w;
      visit(p + 1);
    }
  };
  visit(0);
  return best;
}

describe('rebalance (partition ownership at a batch boundary)', () => {
  it('is balanced and moves as few partitions as any balanced assignment could, as workers join and leave', () => {
    const r = rng(11);
    const pool = ['w-a', 'w-b', 'w-c', 'w-d'];
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + Math.floor(r() * 7);
      const before = pool.filter(() => r() < 0.7);
      if (before.length === 0) before.push('w-a');
      const previous = rebalance(undefined, n, before);
      const after = pool.filter(() => r() < 0.6);
      if (after.length === 0) after.push(pool[Math.floor(r() * pool.length)] as string);
      const next = rebalance(previous, n, after);
      const counts = after.map((w) => next.owners.filter((o) => o === w).length);
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      expect(next.owners.every((o) => after.includes(o))).toBe(true);
      expect(movedPartitions(previous, next)).toBe(fewestMoves(previous, n, after));
      // A partition's epoch grows exactly when it changes owner (fencing the old one out).
      next.owners.forEach((o, p) => {
        expect(next.epochs[p]).toBe((previous.epochs[p] as number) + (o === previous.owners[p] ? 0 : 1));
      });
    }
  });

  it('leaves an unchanged, balanced ownership as it is', () => {
    const o = rebalance(undefined, 16, ['w1', 'w2', 'w3']);
    expect(rebalance(o, 16, ['w3', 'w1', 'w2'])).toEqual(o);
  });
});
