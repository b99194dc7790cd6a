import { InternalError } from '../errors/errors.js';
import type { MergeOp } from '../functions/function.js';
import { StateEntry, type IndexedState } from './indexed-state.js';
import type { StateBatch, StateRow } from './state-store.js';
import { mergeValue } from './state-store.js';

/** A batch merged into a partition's state, not yet persisted: `undo` takes it back if persisting fails. */
export interface AppliedBatch {
  /** Entries this batch changed and the state still holds, in the order first changed. */
  readonly upserts: readonly StateEntry[];
  /** Entries evicted (held before, or added and evicted in this batch). */
  readonly removed: readonly StateEntry[];
  readonly output: readonly StateRow[];
  readonly numRowsUpdated: number;
  readonly numRowsDroppedByWatermark: number;
  /** Rows the partition holds now. */
  readonly numRowsTotal: number;
  /**
   * Restores the state exactly as it was before the batch (every entry's values, added and evicted
   * ones); only for a batch applied with `undo: 'logged'`.
   */
  undo(): void;
}

/**
 * Whether an apply keeps what it overwrites: `logged` for a store that must put its state back when
 * persisting fails; `none` for a store that drops its state instead (a Redis partition copy is
 * reloaded), which then saves a log entry per changed row.
 */
export type UndoMode = 'logged' | 'none';

/** What the undo log records per change. */
const ADDED = 0;
const CHANGED = 1;
const EVICTED = 2;

/**
 * The merge/late-filter/evict/emit step every store shares, done in place on the store's state:
 * each incoming row's key is looked up once (by group, then member: no text per row), its buffers
 * are merged into the held entry's, and a new key gets an entry of its own (the incoming rows stay
 * the caller's). What an entry held before the batch goes to an undo log, flat (no allocation per
 * row), so a store whose write fails puts the state back as the last applied batch left it: a
 * failed batch never leaves half-applied state visible to its retry. Merge values are immutable
 * (`mergeValue` returns new Sets, arrays and moments), so the log keeps references.
 */
export function applyBatchInPlace(state: IndexedState, batch: StateBatch, undo: UndoMode = 'logged'): AppliedBatch {
  const ops = batch.mergeOps;
  const width = ops.length;
  const stamp = state.nextStamp();
  const log = undoLog(undo, state, width);
  try {
    const touched: StateEntry[] = [];
    let dropped = 0;
    const late = batch.lateBeforeUs;
    for (const row of batch.rows) {
      const t = row.eventTimeUs;
      if (late !== null && t !== null && t <= late) {
        dropped++;
        continue;
      }
      const rb = row.buffers;
      let e = state.get(row.group, row.member);
      if (e === undefined) {
        // Merging into empty buffers (null is every op's identity) gives the row's own.
        const buffers = new Array<unknown>(width);
        for (let i = 0; i < width; i++) buffers[i] = rb[i] ?? null;
        e = new StateEntry(row.group, row.member, t, buffers, row.keyValues);
        e.stamp = stamp;
        state.insert(e);
        log?.added(e);
        touched.push(e);
        continue;
      }
      if (e.stamp !== stamp) {
        log?.changed(e);
        e.stamp = stamp;
        touched.push(e);
      }
      const buffers = e.buffers;
      for (let i = 0; i < width; i++) {
        const a = buffers[i];
        const b = rb[i];
        const op = ops[i] as MergeOp;
        // The common case (counts, sums) without the generic merge's dispatch.
        buffers[i] = op === 'sum' && typeof a === 'number' && typeof b === 'number' ? a + b : mergeValue(op, a, b);
      }
      if (e.eventTimeUs !== t) state.retime(e, t);
      if (e.keyValues === undefined && row.keyValues !== undefined) e.keyValues = row.keyValues;
    }
    let removed: StateEntry[] = [];
    const evictBefore = batch.evictBeforeUs;
    if (evictBefore !== null) {
      removed = state.expiring(evictBefore);
      for (const e of removed) {
        state.delete(e);
        log?.evicted(e);
      }
    }
    const upserts = removed.length === 0 ? touched : touched.filter((e) => state.get(e.group, e.member) === e);
    let output: readonly StateRow[];
    switch (batch.emit) {
      case 'updated':
        output = touched;
        break;
      case 'evicted':
        output = removed;
        break;
      case 'all':
        output = [...state.values()];
        break;
      default: {
        const never: never = batch.emit;
        throw new Error(`unknown emit ${String(never)}`);
      }
    }
    return {
      upserts,
      removed,
      output,
      numRowsUpdated: touched.length,
      numRowsDroppedByWatermark: dropped,
      numRowsTotal: state.size,
      undo: () => {
        if (!log) throw new InternalError('a batch applied without an undo log cannot be undone');
        log.undo();
      },
    };
  } catch (e) {
    log?.undo();
    throw e;
  }
}

function undoLog(mode: UndoMode, state: IndexedState, width: number): UndoLog | undefined {
  switch (mode) {
    case 'logged':
      return new UndoLog(state, width);
    case 'none':
      return undefined;
    default: {
      const never: never = mode;
      throw new InternalError(`unknown undo mode ${String(never)}`);
    }
  }
}

/** The changes of one apply, undone newest first. */
class UndoLog {
  private readonly kinds: number[] = [];
  private readonly entries: StateEntry[] = [];
  /** Per CHANGED entry: stamp, event time, then `width` buffer values (key values only ever go from none to the key's own). */
  private readonly values: unknown[] = [];
  private done = false;

  constructor(
    private readonly state: IndexedState,
    private readonly width: number,
  ) {}

  added(e: StateEntry): void {
    this.kinds.push(ADDED);
    this.entries.push(e);
  }

  changed(e: StateEntry): void {
    this.kinds.push(CHANGED);
    this.entries.push(e);
    const v = this.values;
    v.push(e.stamp, e.eventTimeUs);
    const b = e.buffers;
    for (let i = 0; i < this.width; i++) v.push(b[i]);
  }

  evicted(e: StateEntry): void {
    this.kinds.push(EVICTED);
    this.entries.push(e);
  }

  undo(): void {
    if (this.done) return;
    this.done = true;
    const { state, width, values } = this;
    let at = values.length;
    for (let i = this.kinds.length - 1; i >= 0; i--) {
      const e = this.entries[i] as StateEntry;
      switch (this.kinds[i]) {
        case ADDED:
          state.delete(e);
          break;
        case EVICTED:
          state.insert(e);
          break;
        case CHANGED: {
          at -= width + 2;
          // The entry's buffers array may be longer than the ops (a row kept as loaded): restore the slots merged.
          for (let s = 0; s < width; s++) e.buffers[s] = values[at + 2 + s];
          state.retime(e, values[at + 1] as number | null);
          e.stamp = values[at] as number;
          break;
        }
        default:
          throw new Error(`unknown undo record ${String(this.kinds[i])}`);
      }
    }
  }
}
