import type { StateKey } from './state-key.js';
import type { StateRow } from './state-store.js';

/** A row as a store holds it: merged into in place by each batch (see apply-batch.ts for the undo). */
export class StateEntry implements StateRow {
  /** The apply that last changed it (`IndexedState.nextStamp`); 0 for none. */
  stamp = 0;
  /** Length of its persisted value, for stores that estimate their size from it (Redis); 0: not persisted. */
  storedLength = 0;

  constructor(
    readonly group: string,
    readonly member: unknown,
    public eventTimeUs: number | null,
    public buffers: unknown[],
    public keyValues: readonly unknown[] | undefined,
  ) {}
}

/**
 * One partition's rows, found by their identity without a text per row (`StateKey`: group text,
 * then member value), with an index from event time to rows. Windowed aggregations have few
 * distinct event times (window ends), so eviction by watermark touches only what it evicts. The
 * index is built on the first `expiring` call and kept from then on: complete mode never evicts,
 * and would otherwise pay a set insertion per key for nothing.
 */
export class IndexedState {
  private readonly groups = new Map<string, Map<unknown, StateEntry>>();
  private count = 0;
  private byTime: Map<number, Set<StateEntry>> | undefined;
  private stamps = 0;
  /** The last group looked up (rows of one group tend to come together). */
  private lastGroup: string | undefined;
  private lastMembers: Map<unknown, StateEntry> | undefined;

  get size(): number {
    return this.count;
  }

  /** A stamp no earlier apply to this state used. */
  nextStamp(): number {
    return ++this.stamps;
  }

  get(group: string, member: unknown): StateEntry | undefined {
    return this.members(group)?.get(member);
  }

  /** Adds `entry`, whose key this state does not hold. */
  insert(entry: StateEntry): void {
    let members = this.members(entry.group);
    if (!members) {
      this.groups.set(entry.group, (members = new Map()));
      this.lastGroup = entry.group;
      this.lastMembers = members;
    }
    members.set(entry.member, entry);
    this.count++;
    this.index(entry);
  }

  /** Adds a row as a new entry, or overwrites the one held for its key (rows read back from files or Redis); takes `buffers`. */
  put(key: StateKey, eventTimeUs: number | null, buffers: unknown[], keyValues?: readonly unknown[]): StateEntry {
    const held = this.get(key.group, key.member);
    if (!held) {
      const entry = new StateEntry(key.group, key.member, eventTimeUs, buffers, keyValues);
      this.insert(entry);
      return entry;
    }
    held.buffers = buffers;
    this.retime(held, eventTimeUs);
    if (keyValues) held.keyValues = keyValues;
    return held;
  }

  /** Removes `entry` if it is the one held for its key. */
  delete(entry: StateEntry): boolean {
    const members = this.members(entry.group);
    if (members?.get(entry.member) !== entry) return false;
    members.delete(entry.member);
    if (members.size === 0) {
      this.groups.delete(entry.group);
      this.lastGroup = undefined;
      this.lastMembers = undefined;
    }
    this.count--;
    this.unindex(entry);
    return true;
  }

  /** Removes the entry held for `key`, if any. */
  deleteKey(key: StateKey): boolean {
    const entry = this.get(key.group, key.member);
    return entry ? this.delete(entry) : false;
  }

  /** Sets the event time of a held entry, keeping the index. */
  retime(entry: StateEntry, eventTimeUs: number | null): void {
    if (entry.eventTimeUs === eventTimeUs) return;
    this.unindex(entry);
    entry.eventTimeUs = eventTimeUs;
    this.index(entry);
  }

  *values(): IterableIterator<StateEntry> {
    for (const members of this.groups.values()) yield* members.values();
  }

  /** Rows whose event time is ≤ `us` (eviction candidates, found without visiting the others), as a list the caller may delete from. */
  expiring(us: number): StateEntry[] {
    if (!this.byTime) {
      this.byTime = new Map();
      for (const e of this.values()) this.index(e);
    }
    const out: StateEntry[] = [];
    for (const [t, entries] of this.byTime) if (t <= us) for (const e of entries) out.push(e);
    return out;
  }

  private members(group: string): Map<unknown, StateEntry> | undefined {
    if (group === this.lastGroup) return this.lastMembers;
    const members = this.groups.get(group);
    if (members) {
      this.lastGroup = group;
      this.lastMembers = members;
    }
    return members;
  }

  private index(entry: StateEntry): void {
    if (entry.eventTimeUs === null || !this.byTime) return;
    let entries = this.byTime.get(entry.eventTimeUs);
    if (!entries) this.byTime.set(entry.eventTimeUs, (entries = new Set()));
    entries.add(entry);
  }

  private unindex(entry: StateEntry): void {
    if (entry.eventTimeUs === null || !this.byTime) return;
    const entries = this.byTime.get(entry.eventTimeUs);
    if (!entries) return;
    entries.delete(entry);
    if (entries.size === 0) this.byTime.delete(entry.eventTimeUs);
  }
}
