import { randomBytes } from 'node:crypto';
import type { IndexedState } from '../../../engine/state/indexed-state.js';

/** A worker's copy of one partition, valid while Redis holds `version`. */
export interface PartitionCopy {
  /** The rows; each entry's `storedLength` is its value's length in Redis (the size estimate). */
  readonly state: IndexedState;
  /**
   * With state kept by pane (`PaneStateBatch`): the (pane, keys) rows Redis holds, whose
   * `storedLength`s the size estimate counts; `state` then holds the windows they make.
   */
  readonly panes?: IndexedState;
  version: string;
  bytes: number;
}

/** Rows a copy holds (both layers with state kept by pane). */
function rowsOf(c: PartitionCopy): number {
  return c.state.size + (c.panes?.size ?? 0);
}

/** A copy unused this long is dropped (a stopped query's partitions must not stay in the worker). */
export const DEFAULT_MAX_IDLE_MS = 10 * 60_000;

/**
 * What one process keeps about the Redis state partitions it applies to: a copy of each (least
 * recently used dropped first past a row budget, and any copy unused for `maxIdleMs`), a queue per
 * partition so applies to it run one at a time (a retried task may race a slow original), and the
 * versions its writes record. Redis holds the state, so a dropped copy costs one reload.
 */
export class PartitionCopies {
  /**
   * Copies by partition id with when each was last used (ms) and the rows counted for it in
   * `cachedRows`, least recently used first. A copy's rows change in place (a failed apply's
   * merges included, until the copy is dropped), so the count is what was last recorded for it.
   */
  private readonly copies = new Map<string, { readonly copy: PartitionCopy; readonly usedAt: number; rows: number }>();
  private readonly sweeper: NodeJS.Timeout;
  private cachedRows = 0;
  private readonly queues = new Map<string, Promise<unknown>>();
  /** Versions are this process's random prefix and a counter: unique per write without a syscall each. */
  private readonly versionPrefix = randomBytes(8).toString('hex');
  private versions = 0;

  constructor(
    private readonly maxCachedRows: number,
    private readonly maxIdleMs: number = DEFAULT_MAX_IDLE_MS,
    private readonly now: () => number = Date.now,
  ) {
    // Copies are otherwise only dropped when another apply comes: a worker gone quiet sweeps too.
    this.sweeper = setInterval(() => this.dropIdle(), Math.max(1000, maxIdleMs / 2));
    this.sweeper.unref();
  }

  /** A version no other write (of this or any process) records. */
  nextVersion(): string {
    return `${this.versionPrefix}-${(this.versions++).toString(36)}`;
  }

  /** Runs `step` after every earlier apply to the same partition has settled. */
  serialize<T>(id: string, step: () => Promise<T>): Promise<T> {
    const next = (this.queues.get(id) ?? Promise.resolve()).then(step);
    const settled = next.catch(() => undefined);
    this.queues.set(id, settled);
    void settled.then(() => {
      if (this.queues.get(id) === settled) this.queues.delete(id);
    });
    return next;
  }

  /** The copy of a partition, if this process holds one (marked as just used). */
  get(id: string): PartitionCopy | undefined {
    this.dropIdle();
    const held = this.copies.get(id);
    if (held) this.touch(id, held.copy, held.rows);
    return held?.copy;
  }

  /** Keeps (or replaces) the copy of a partition, dropping old ones past the budget. */
  keep(id: string, c: PartitionCopy): void {
    this.forget(id);
    this.dropIdle();
    this.touch(id, c, rowsOf(c));
    this.cachedRows += rowsOf(c);
    this.trim(id);
  }

  /** Counts the size `copy` has now, if it is still the copy held for `id`. */
  resized(id: string, copy: PartitionCopy): void {
    const held = this.copies.get(id);
    if (held?.copy !== copy) return;
    const rows = rowsOf(copy);
    this.cachedRows += rows - held.rows;
    held.rows = rows;
    this.trim(id);
  }

  /** Drops the copy of a partition: the next apply loads it from Redis. */
  forget(id: string): void {
    const c = this.copies.get(id);
    if (!c) return;
    this.copies.delete(id);
    this.cachedRows -= c.rows;
  }

  /** The partitions this process holds a copy of, least recently used first. */
  held(): string[] {
    return [...this.copies.keys()];
  }

  /** Drops every copy and stops sweeping (the provider is closing). */
  clear(): void {
    clearInterval(this.sweeper);
    this.copies.clear();
    this.cachedRows = 0;
  }

  /** Marks `id` as just used: it moves to the most recently used end. */
  private touch(id: string, copy: PartitionCopy, rows: number): void {
    this.copies.delete(id);
    this.copies.set(id, { copy, usedAt: this.now(), rows });
  }

  /** Drops the copies unused for `maxIdleMs` (the oldest come first, so this stops at the first recent one). */
  private dropIdle(): void {
    const before = this.now() - this.maxIdleMs;
    for (const [id, { usedAt }] of this.copies) {
      if (usedAt > before) break;
      this.forget(id);
    }
  }

  /** Drops the least recently used copies other than `keep` while over the budget. */
  private trim(keep: string): void {
    for (const other of this.copies.keys()) {
      if (this.cachedRows <= this.maxCachedRows) break;
      if (other !== keep) this.forget(other);
    }
  }
}
