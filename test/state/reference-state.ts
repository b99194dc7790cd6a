import type { MergeOp } from '../../engine/functions/function.js';
import { stateKeyText } from '../../engine/state/state-key.js';
import type { StateBatch, StateBatchResult, StateRow } from '../../engine/state/state-store.js';

/**
 * The contract's oracle, written out plainly and independently of the stores: merge in input
 * order (null is every op's identity), drop rows with time <= lateBeforeUs, then evict rows with
 * time <= evictBeforeUs, and emit per mode. No batch-id guard: the suite checks that separately.
 */
export class ReferenceState {
  private readonly state = new Map<string, StateRow>();

  apply(batch: StateBatch): StateBatchResult {
    const updated = new Map<string, StateRow>();
    let dropped = 0;
    for (const r of batch.rows) {
      if (batch.lateBeforeUs !== null && r.eventTimeUs !== null && r.eventTimeUs <= batch.lateBeforeUs) {
        dropped++;
        continue;
      }
      const key = stateKeyText(r);
      const prev = this.state.get(key);
      const buffers = batch.mergeOps.map((op, i) => merge(op, prev?.buffers[i] ?? null, r.buffers[i] ?? null));
      const next: StateRow = { group: r.group, member: r.member, eventTimeUs: r.eventTimeUs, buffers };
      this.state.set(key, next);
      updated.set(key, next);
    }
    const evicted: StateRow[] = [];
    const bound = batch.evictBeforeUs;
    if (bound !== null) {
      for (const [key, r] of this.state) {
        if (r.eventTimeUs !== null && r.eventTimeUs <= bound) {
          evicted.push(r);
          this.state.delete(key);
        }
      }
    }
    const rows = batch.emit === 'updated' ? [...updated.values()] : batch.emit === 'evicted' ? evicted : [...this.state.values()];
    return {
      rows,
      numRowsTotal: this.state.size,
      numRowsUpdated: updated.size,
      numRowsRemoved: evicted.length,
      numRowsDroppedByWatermark: dropped,
      memoryUsedBytes: 0,
      replayed: false,
    };
  }

  rows(): StateRow[] {
    return [...this.state.values()];
  }
}

function merge(op: MergeOp, a: unknown, b: unknown): unknown {
  if (a === null) return b;
  if (b === null) return a;
  if (op === 'sum') return (a as number) + (b as number);
  if (op === 'min') return (b as number) < (a as number) ? b : a;
  if (op === 'max') return (b as number) > (a as number) ? b : a;
  throw new Error(`the reference model has no '${op}'`);
}
