import { describe, expect, it } from 'vitest';
import { hashBytes, hashLong, hashUtf8, sparkHash } from '../../../engine/functions/murmur3.js';
import { RowPartitioner, partitionOf } from '../../../engine/physical/hash-partitioner.js';
import { T, WINDOW_TYPE } from '../../../engine/types/data-type.js';

describe("Spark's hash partitioning", () => {
  it('hashes strings without allocating exactly as over their UTF-8 bytes', () => {
    const enc = new TextEncoder();
    for (const s of ['', 'a', 'ab', 'abc', 'abcd', 'abcde', 'cat', 'héllo', '猫猫', 'emoji 😺!', 'lone \ud800 surrogate']) {
      expect(hashUtf8(s, 42)).toBe(hashBytes(enc.encode(s), 42));
    }
  });

  it("matches Spark's hash() and HashPartitioning (values read from Spark 4.3)", () => {
    const window = [0, 60_000_000];
    expect(sparkHash(['cat'], [T.string])).toBe(715777456);
    expect(sparkHash([1], [T.long])).toBe(-1712319331);
    expect(sparkHash(['héllo'], [T.string])).toBe(1212979866);
    expect(sparkHash(['猫'], [T.string])).toBe(2080838422);
    expect(sparkHash([window, 'cat'], [WINDOW_TYPE, T.string])).toBe(-715592851);
    expect(sparkHash([2.5], [T.double])).toBe(-892273744);
    expect(sparkHash([true], [T.boolean])).toBe(-559580957);
    expect(sparkHash([7], [T.integer])).toBe(1079293707);
    // pmod(hash(window, word), 200): the partition Spark's exchange would pick.
    expect(partitionOf([window, 'cat'], [WINDOW_TYPE, T.string], 200)).toBe(149);
  });

  it('hashes safe-integer longs without BigInt exactly as through BigInt', () => {
    for (const v of [0, 1, -1, 2 ** 31, -(2 ** 31) - 1, 2 ** 32, -(2 ** 32), 1_796_610_797_413_000, -1_796_610_797_413_123, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]) {
      expect(hashLong(v, 42), String(v)).toBe(hashLong(BigInt(v), 42));
    }
  });

  it('RowPartitioner: row after row, the same partitions as partitionOf (shared window structs hashed once)', () => {
    const types = [WINDOW_TYPE, T.string];
    const p = new RowPartitioner(types, 7);
    const w1 = [0, 60_000_000];
    const w2 = [5_000_000, 65_000_000];
    for (const row of [[w1, 'cat'], [w1, 'dog'], [w2, 'dog'], [w2, null], [[0, 60_000_000], 'cat'], [w1, 'cat']]) {
      expect(p.partitionOf(row)).toBe(partitionOf(row, types, 7));
    }
  });
});
