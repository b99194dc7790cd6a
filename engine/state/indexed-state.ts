import type { StateRow } from './state-store.js';

/** What the merge step reads of a partition's current state. */
export interface StateView {
  readonly size: number;
  get(key: string): StateRow | undefined;
  has(key: string): boolean;
  values(): IterableIterator<StateRow>;
  /** Rows whose event time is ≤ `us`: eviction candidates, found without visiting the others. */
  expiring(us: number): Iterable<StateRow>;
}

/**
 * One partition's rows by key, with an index from event time to keys. Windowed aggregations have
 * few distinct event times (window ends), so eviction by watermark touches only what it evicts.
 * The index is built on the first `expiring` call and kept from then on: complete mode never
 * evicts, and would otherwise pay a set insertion per key for nothing.
 */
export class IndexedState implements StateView {
  private readonly rows = new Map<string, StateRow>();
  private byTime: Map<number, Set<string>> | undefined;

  get size(): number {
    return this.rows.size;
  }

  get(key: string): StateRow | undefined {
    return this.rows.get(key);
  }

  has(key: string): boolean {
    return this.rows.has(key);
  }

  values(): IterableIterator<StateRow> {
    return this.rows.values();
  }

  set(row: StateRow): void {
    if (!this.byTime) {
      this.rows.set(row.key, row);
      return;
    }
    const prev = this.rows.get(row.key);
    if (prev && prev.eventTimeUs !== row.eventTimeUs) this.unindex(prev);
    this.rows.set(row.key, row);
    if (prev?.eventTimeUs !== row.eventTimeUs) this.index(row);
  }

  delete(key: string): boolean {
    const prev = this.rows.get(key);
    if (!prev) return false;
    this.rows.delete(key);
    this.unindex(prev);
    return true;
  }

  *expiring(us: number): Iterable<StateRow> {
    if (!this.byTime) {
      this.byTime = new Map();
      for (const r of this.rows.values()) this.index(r);
    }
    for (const [t, keys] of this.byTime) {
      if (t > us) continue;
      for (const k of keys) {
        const r = this.rows.get(k);
        if (r) yield r;
      }
    }
  }

  private index(row: StateRow): void {
    if (row.eventTimeUs === null || !this.byTime) return;
    let keys = this.byTime.get(row.eventTimeUs);
    if (!keys) this.byTime.set(row.eventTimeUs, (keys = new Set()));
    keys.add(row.key);
  }

  private unindex(row: StateRow): void {
    if (row.eventTimeUs === null || !this.byTime) return;
    const keys = this.byTime.get(row.eventTimeUs);
    if (!keys) return;
    keys.delete(row.key);
    if (keys.size === 0) this.byTime.delete(row.eventTimeUs);
  }
}
