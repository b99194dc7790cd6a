import { InternalError } from '../../errors/errors.js';
import type { BufferSlot } from '../../functions/function.js';
import { mergeValue } from '../../state/state-store.js';

/**
 * PartialAggregate's exact path: buffers that are integral sums add up as plain numbers, so
 * partials computed once per distinct key are added to their groups in typed columns.
 */

const INTEGRAL: ReadonlySet<string> = new Set(['byte', 'short', 'integer', 'long']);

/** Whether partials of this slot add exactly: an integral sum (count, sum of integers). */
export function addsExactly(slot: BufferSlot): boolean {
  return slot.merge === 'sum' && INTEGRAL.has(slot.type.kind);
}

/** Per-distinct-key partial buffers of the exact path, slot by slot: the value and whether there is one (a sum of only nulls is null). */
export interface PartialColumns {
  readonly values: readonly Float64Array[];
  readonly present: readonly Uint8Array[];
}

export function partialColumns(partials: readonly (readonly unknown[])[], width: number): PartialColumns {
  const n = partials.length;
  const values: Float64Array[] = [];
  const present: Uint8Array[] = [];
  for (let s = 0; s < width; s++) {
    const v = new Float64Array(n);
    const p = new Uint8Array(n);
    for (let j = 0; j < n; j++) {
      const x = (partials[j] as readonly unknown[])[s];
      if (x === null || x === undefined) continue;
      if (typeof x !== 'number') throw new InternalError(`an integral sum buffer holds ${typeof x}`);
      v[j] = x;
      p[j] = 1;
    }
    values.push(v);
    present.push(p);
  }
  return { values, present };
}

/**
 * The exact path's sums, slot by slot in typed columns indexed by group: adding a batch's
 * per-distinct-key partials to its groups is a loop over numbers, not a merge call per (group,
 * slot) into a buffer array per group. JS numbers add the same in a Float64Array (integral sums
 * stay exact up to 2^53, as before). `finish` merges them into the groups' own buffers.
 */
export class ExactSums {
  private sums: Float64Array[] = [];
  private present: Uint8Array[] = [];
  private capacity = 0;

  constructor(private readonly width: number) {
    this.clear();
  }

  /** Adds partial `j` to group `toGroup[j]`, for every j; `groups` is how many groups exist. */
  add(toGroup: Int32Array, partials: PartialColumns, groups: number): void {
    if (groups > this.capacity) this.grow(groups);
    for (let s = 0; s < this.width; s++) {
      const sum = this.sums[s] as Float64Array;
      const has = this.present[s] as Uint8Array;
      const pv = partials.values[s] as Float64Array;
      const pp = partials.present[s] as Uint8Array;
      for (let j = 0; j < toGroup.length; j++) {
        if (pp[j] === 0) continue;
        const g = toGroup[j] as number;
        sum[g] = (sum[g] as number) + (pv[j] as number);
        has[g] = 1;
      }
    }
  }

  /** Slot `slot` of group `g`: `own` (what other paths put there) plus what was added here. */
  value(g: number, slot: number, own: unknown): unknown {
    if (g >= this.capacity || (this.present[slot] as Uint8Array)[g] === 0) return own;
    return mergeValue('sum', own, (this.sums[slot] as Float64Array)[g]);
  }

  clear(): void {
    this.capacity = 0;
    this.sums = Array.from({ length: this.width }, () => new Float64Array(0));
    this.present = Array.from({ length: this.width }, () => new Uint8Array(0));
  }

  private grow(groups: number): void {
    const capacity = Math.max(groups, this.capacity * 2, 1024);
    this.sums = this.sums.map((old) => {
      const next = new Float64Array(capacity);
      next.set(old);
      return next;
    });
    this.present = this.present.map((old) => {
      const next = new Uint8Array(capacity);
      next.set(old);
      return next;
    });
    this.capacity = capacity;
  }
}
