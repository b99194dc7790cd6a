import type { StateView } from './indexed-state.js';
import type { StateBatch, StateRow } from './state-store.js';
import { mergeBuffers } from './state-store.js';

export interface StateChanges {
  readonly upserts: StateRow[];
  readonly removed: string[];
  readonly output: StateRow[];
  readonly numRowsUpdated: number;
  readonly numRowsDroppedByWatermark: number;
  /** Rows the partition holds once the changes are applied. */
  readonly numRowsTotal: number;
}

/**
 * The merge/late-filter/evict/emit step every store shares, over its view of the partition. Pure
 * with respect to `state`: returns the changes; the caller persists them, then applies them. Each
 * key is looked up as few times as the step needs: a windowed aggregation hands every (window,
 * key) it touched here each batch, and with nothing evicted (complete mode) no removal set is
 * consulted.
 */
export function computeBatchChanges(state: StateView, batch: StateBatch): StateChanges {
  const updated = new Map<string, StateRow>();
  /** Keys of `updated` the state does not hold yet. */
  let added = 0;
  let dropped = 0;
  for (const row of batch.rows) {
    if (batch.lateBeforeUs !== null && row.eventTimeUs !== null && row.eventTimeUs <= batch.lateBeforeUs) {
      dropped++;
      continue;
    }
    let prev = updated.get(row.key);
    if (prev === undefined) {
      prev = state.get(row.key);
      if (prev === undefined) added++;
    }
    if (!prev && row.keyValues && !row.buffers.includes(undefined)) {
      // A new key: merging into empty buffers gives the row's own buffers; keep the row as it is.
      updated.set(row.key, row);
      continue;
    }
    const buffers = prev ? [...prev.buffers] : batch.mergeOps.map(() => null);
    mergeBuffers(buffers, row.buffers, batch.mergeOps);
    const keyValues = row.keyValues ?? prev?.keyValues;
    updated.set(row.key, keyValues ? { key: row.key, eventTimeUs: row.eventTimeUs, buffers, keyValues } : { key: row.key, eventTimeUs: row.eventTimeUs, buffers });
  }
  const removed: string[] = [];
  const evicted: StateRow[] = [];
  /** Removed keys the state held (a key first seen in this batch may be evicted in it too). */
  let removedHeld = 0;
  const evictBefore = batch.evictBeforeUs;
  if (evictBefore !== null) {
    for (const r of state.expiring(evictBefore)) {
      if (updated.has(r.key) || r.eventTimeUs === null || r.eventTimeUs > evictBefore) continue;
      removed.push(r.key);
      evicted.push(r);
      removedHeld++;
    }
    for (const r of updated.values()) {
      if (r.eventTimeUs === null || r.eventTimeUs > evictBefore) continue;
      removed.push(r.key);
      evicted.push(r);
      if (state.has(r.key)) removedHeld++;
      else added--;
    }
  }
  const removedSet = removed.length === 0 ? undefined : new Set(removed);
  const upserts = removedSet ? [...updated.values()].filter((r) => !removedSet.has(r.key)) : [...updated.values()];
  let output: StateRow[];
  switch (batch.emit) {
    case 'updated':
      output = [...updated.values()];
      break;
    case 'evicted':
      output = evicted;
      break;
    case 'all': {
      output = [];
      if (state.size === 0) {
        output = upserts.slice();
        break;
      }
      for (const r of state.values()) if (!removedSet?.has(r.key)) output.push(updated.get(r.key) ?? r);
      for (const r of updated.values()) if (!state.has(r.key) && !removedSet?.has(r.key)) output.push(r);
      break;
    }
    default: {
      const never: never = batch.emit;
      throw new Error(`unknown emit ${String(never)}`);
    }
  }
  return {
    upserts,
    removed,
    output,
    numRowsUpdated: updated.size,
    numRowsDroppedByWatermark: dropped,
    numRowsTotal: state.size + added - removedHeld,
  };
}
