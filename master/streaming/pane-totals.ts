import type { RecordBatch } from '../../engine/batch/record-batch.js';
import type { Vector } from '../../engine/batch/vector.js';
import type { PaneOutputShape } from '../../engine/physical/pane-output.js';
import { Panes, type WindowValue } from '../../engine/physical/operators/panes.js';
import type { Schema } from '../../engine/types/schema.js';

/**
 * The driver's side of a pane-totals reduce output (engine/physical/pane-output.ts): every (pane,
 * key) total the complete result's windows were made of, so a pane's new total changes each of its
 * windows by (new − old). Totals rather than the batch's partials make taking a row twice harmless
 * (a retried attempt's partitions that had applied the batch send the same totals again: the change
 * is then 0). Kept with the complete result and dropped with it: a table asked for again ('all')
 * gets every pane again, and a new `PaneTotals` starts from nothing, as the new table does.
 */
export class PaneTotals {
  private readonly panes: Panes;
  /** key → pane start → the pane's counts. */
  private readonly byKey = new Map<unknown, Map<number, readonly number[]>>();

  /** How many counts a pane (and a window) has. */
  private readonly counts: number;

  constructor(shape: PaneOutputShape, schema: Schema) {
    this.panes = new Panes(shape.windowUs, shape.slideUs, shape.startUs);
    this.counts = schema.fields.length - 2;
  }

  /**
   * Takes a batch of pane totals: `change(window, key, amounts)` for each window of each pane whose
   * total changed (the amounts to add to the window's values; a window not held takes them as they
   * are). A pane seen the first time changes its windows by its whole total.
   */
  take(b: RecordBatch, change: (window: WindowValue, key: unknown, amounts: readonly number[]) => void): void {
    const counts = this.counts;
    const cols = b.columns as readonly Vector[];
    const read = (c: number, i: number): unknown => {
      const v = cols[c] as Vector;
      return v.kind === 'values' ? v.values[i] : v.value;
    };
    for (let i = 0; i < b.numRows; i++) {
      const pane = read(0, i) as number;
      const key = read(1, i) ?? null;
      const total = new Array<number>(counts);
      for (let c = 0; c < counts; c++) total[c] = (read(c + 2, i) as number | null) ?? 0;
      let held = this.byKey.get(key);
      if (held === undefined) this.byKey.set(key, (held = new Map()));
      const old = held.get(pane);
      held.set(pane, total);
      let amounts: readonly number[] = total;
      if (old !== undefined) {
        const delta = new Array<number>(counts);
        let changed = false;
        for (let c = 0; c < counts; c++) changed = (delta[c] = total[c]! - old[c]!) !== 0 || changed;
        if (!changed) continue;
        amounts = delta;
      }
      for (const w of this.panes.windowsOf(pane)) change(w, key, amounts);
    }
  }
}
