import type { StateKey } from './state-key.js';
import type { StateRow } from './state-store.js';

/** `IndexedState.lastMember` when no member was looked up (no key's member is this symbol). */
const NO_MEMBER = Symbol('no member');

/** A row as a store holds it: merged into in place by each batch (see apply-batch.ts for the undo). */
export class StateEntry implements StateRow {
  /** The apply that last changed it (`IndexedState.nextStamp`); 0 for none. */
  stamp = 0;
  /** Length of its persisted value, for stores that estimate their size from it (Redis); 0: not persisted. */
  storedLength = 0;
  /** Its group's number in the state holding it (`IndexedState`). */
  groupId = -1;

  constructor(
    readonly group: string,
    readonly member: unknown,
    public eventTimeUs: number | null,
    public buffers: unknown[],
    public keyValues: readonly unknown[] | undefined,
  ) {}
}

/** A member's entries: one (a single grouping column, or one window so far), a few, or many by group id. */
type Slot = StateEntry | StateEntry[] | Map<number, StateEntry>;

/** Past this many groups a member's entries go into a map by group id (complete mode keeps every window). */
const MAX_LIST = 16;

/**
 * One partition's rows, found by their identity without a text per row (`StateKey`): by member
 * first, then by group. Groups (the texts of every grouping value but the last: windows) are few
 * and numbered, so a member's entries are a short list searched by number; rows arrive member by
 * member (a map task sends a word's windows together), so one member lookup serves a word's rows
 * in every window, where a lookup per (window, word) in a large table missed the CPU caches on
 * every row. Group numbers are reused once a group has no rows (windows come and go).
 *
 * An index from event time to rows makes eviction by watermark touch only what it evicts. It is
 * built on the first `expiring` call and kept from then on: complete mode never evicts, and would
 * otherwise pay a set insertion per key for nothing.
 */
export class IndexedState {
  private readonly byMember = new Map<unknown, Slot>();
  private readonly groupIds = new Map<string, number>();
  /** Rows per group number (0: free). */
  private readonly groupRows: number[] = [];
  private readonly freeIds: number[] = [];
  private count = 0;
  private byTime: Map<number, Set<StateEntry>> | undefined;
  private stamps = 0;
  /** The last group looked up and its number (rows of one window come in runs, or alternate among few). */
  private lastGroup: string | undefined;
  private lastGroupId = -1;
  /** The last member looked up and its slot (a word's windows come together). */
  private lastMember: unknown = NO_MEMBER;
  private lastSlot: Slot | undefined;

  get size(): number {
    return this.count;
  }

  /** A stamp no earlier apply to this state used. */
  nextStamp(): number {
    return ++this.stamps;
  }

  get(group: string, member: unknown): StateEntry | undefined {
    const id = this.groupId(group);
    if (id < 0) return undefined;
    let slot: Slot | undefined;
    if (member === this.lastMember) slot = this.lastSlot;
    else {
      slot = this.byMember.get(member);
      this.lastMember = member;
      this.lastSlot = slot;
    }
    if (slot === undefined) return undefined;
    if (slot instanceof StateEntry) return slot.groupId === id ? slot : undefined;
    if (Array.isArray(slot)) {
      // Newest groups last: the windows being updated are found first.
      for (let i = slot.length - 1; i >= 0; i--) {
        const e = slot[i] as StateEntry;
        if (e.groupId === id) return e;
      }
      return undefined;
    }
    return slot.get(id);
  }

  /** Adds `entry`, whose key this state does not hold. */
  insert(entry: StateEntry): void {
    let id = this.groupId(entry.group);
    if (id < 0) {
      id = this.freeIds.pop() ?? this.groupRows.length;
      this.groupIds.set(entry.group, id);
      this.groupRows[id] = 0;
      this.lastGroup = entry.group;
      this.lastGroupId = id;
    }
    entry.groupId = id;
    this.groupRows[id] = (this.groupRows[id] as number) + 1;
    const slot = this.byMember.get(entry.member);
    if (slot === undefined) this.byMember.set(entry.member, entry);
    else if (slot instanceof StateEntry) this.byMember.set(entry.member, [slot, entry]);
    else if (Array.isArray(slot)) {
      if (slot.length < MAX_LIST) slot.push(entry);
      else {
        const byId = new Map<number, StateEntry>();
        for (const e of slot) byId.set(e.groupId, e);
        byId.set(id, entry);
        this.byMember.set(entry.member, byId);
      }
    } else slot.set(id, entry);
    this.lastMember = NO_MEMBER;
    this.lastSlot = undefined;
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
    if (this.get(entry.group, entry.member) !== entry) return false;
    const slot = this.byMember.get(entry.member) as Slot;
    if (slot instanceof StateEntry) this.byMember.delete(entry.member);
    else if (Array.isArray(slot)) {
      slot.splice(slot.indexOf(entry), 1);
      if (slot.length === 1) this.byMember.set(entry.member, slot[0] as StateEntry);
    } else {
      slot.delete(entry.groupId);
      if (slot.size === 0) this.byMember.delete(entry.member);
    }
    this.lastMember = NO_MEMBER;
    this.lastSlot = undefined;
    const left = (this.groupRows[entry.groupId] as number) - 1;
    this.groupRows[entry.groupId] = left;
    if (left === 0) {
      // No entry has this number any more: it may name another group.
      this.groupIds.delete(entry.group);
      this.freeIds.push(entry.groupId);
      this.lastGroup = undefined;
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
    for (const slot of this.byMember.values()) {
      if (slot instanceof StateEntry) yield slot;
      else yield* slot.values();
    }
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

  /** The number of `group`, or -1 when no row has it. */
  private groupId(group: string): number {
    if (group === this.lastGroup) return this.lastGroupId;
    const id = this.groupIds.get(group);
    if (id === undefined) return -1;
    this.lastGroup = group;
    this.lastGroupId = id;
    return id;
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
