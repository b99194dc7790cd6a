import { describe, expect, it } from 'vitest';
import { IndexedState } from '../../engine/state/indexed-state.js';
import { PartitionCopies, type PartitionCopy } from '../../worker/state/redis/partition-copies.js';

function copyOf(rows: number): PartitionCopy {
  const state = new IndexedState();
  for (let i = 0; i < rows; i++) state.put({ group: '', member: `k${i}` }, null, [i]);
  return { state, version: 'v', bytes: 0 };
}

describe('PartitionCopies (a worker’s copies of Redis state partitions)', () => {
  it('drops a copy unused for maxIdleMs, and only such copies (a stopped query’s partitions do not stay)', () => {
    let now = 0;
    const copies = new PartitionCopies(1_000_000, 60_000, () => now);
    try {
      copies.keep('a', copyOf(3));
      now = 20_000;
      copies.keep('b', copyOf(3));
      now = 50_000;
      expect(copies.get('a')).toBeDefined();
      // 'b' was last used at 20 s, 'a' at 50 s: at 90 s only 'b' has been idle a minute.
      now = 90_000;
      copies.keep('c', copyOf(1));
      expect(copies.held()).toEqual(['a', 'c']);
      now = 200_000;
      expect(copies.get('c')).toBeUndefined();
      expect(copies.held()).toEqual([]);
    } finally {
      copies.clear();
    }
  });

  it('drops the least recently used copies past the row budget, never the one just kept', () => {
    const copies = new PartitionCopies(5, 60_000, () => 0);
    try {
      copies.keep('a', copyOf(2));
      copies.keep('b', copyOf(2));
      expect(copies.get('a')).toBeDefined();
      copies.keep('c', copyOf(2));
      expect(copies.held()).toEqual(['a', 'c']);
      copies.keep('d', copyOf(9));
      expect(copies.held()).toEqual(['d']);
    } finally {
      copies.clear();
    }
  });
});
