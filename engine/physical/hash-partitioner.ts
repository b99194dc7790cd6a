import { hashValue, sparkHash } from '../functions/murmur3.js';
import type { DataType } from '../types/data-type.js';

/**
 * Spark's `HashPartitioning`: pmod(murmur3(key columns, seed 42), n), with Spark's Murmur3_x86_32
 * variants per type, so a key lands in the same partition number it would in Spark. The hash is
 * SQL's `hash()` function's (`functions/murmur3.ts`), as Spark's HashPartitioning uses Murmur3Hash.
 */
export function partitionOf(values: readonly unknown[], types: readonly DataType[], numPartitions: number): number {
  const m = sparkHash(values, types) % numPartitions;
  return m < 0 ? m + numPartitions : m;
}

/**
 * `partitionOf` for row after row, remembering the hash of the leading key values while they are
 * the same objects as the previous row's (a window struct shared by all its rows): the window's
 * BigInt-free but still costly hash is computed once per run of rows, not once per row.
 */
export class RowPartitioner {
  private readonly last: unknown[];
  private readonly prefix: Int32Array;
  private valid = 0;

  constructor(
    private readonly types: readonly DataType[],
    private readonly numPartitions: number,
  ) {
    this.last = new Array<unknown>(types.length);
    this.prefix = new Int32Array(types.length + 1);
    this.prefix[0] = 42;
  }

  partitionOf(values: readonly unknown[]): number {
    let i = 0;
    // Only objects (structs, arrays) are remembered by identity: equal primitives are cheap to hash anyway.
    while (i < this.valid && i < values.length && typeof values[i] === 'object' && values[i] !== null && values[i] === this.last[i]) i++;
    for (; i < values.length; i++) {
      this.prefix[i + 1] = hashValue(values[i], this.types[i] as DataType, this.prefix[i] as number);
      this.last[i] = values[i];
    }
    this.valid = values.length;
    const m = (this.prefix[values.length] as number) % this.numPartitions;
    return m < 0 ? m + this.numPartitions : m;
  }
}
