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
  /**
   * key → its panes' counts, flat and sorted by pane start: `[pane, count 1, …, count N]` per pane.
   * A key holds few panes (complete mode keeps each it was seen in), and a Map of arrays per key
   * cost the driver about four times the memory of one array of numbers (Q1's 10,000 words: ~2.6
   * MB against ~0.6 MB, held for the query's life). Panes come mostly in order: the newest is
   * looked at first, the rest binary-searched.
   */
  private readonly byKey = new Map<unknown, number[]>();

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
    const stride = counts + 1;
    for (let i = 0; i < b.numRows; i++) {
      const pane = read(0, i) as number;
      const key = read(1, i) ?? null;
      const amounts = new Array<number>(counts);
      const held = this.byKey.get(key) ?? EMPTY;
      const at = runOf(held, pane, stride);
      if (at < 0) {
        // A pane seen the first time: its windows change by its whole total.
        for (let c = 0; c < counts; c++) amounts[c] = (read(c + 2, i) as number | null) ?? 0;
        this.byKey.set(key, withRun(held, ~at, pane, amounts));
      } else {
        let changed = false;
        for (let c = 0; c < counts; c++) {
          const total = (read(c + 2, i) as number | null) ?? 0;
          changed = (amounts[c] = total - (held[at + 1 + c] as number)) !== 0 || changed;
          held[at + 1 + c] = total;
        }
        if (!changed) continue;
      }
      for (const w of this.panes.windowsOf(pane)) change(w, key, amounts);
    }
  }
}

const EMPTY: number[] = [];

/**
 * Where the run of `pane` starts in a key's sorted runs; when it has none, `~i` for the index its
 * run goes in at.
 */
function runOf(held: readonly number[], pane: number, stride: number): number {
  const n = held.length / stride;
  if (n === 0) return ~0;
  const last = held[(n - 1) * stride] as number;
  if (last === pane) return (n - 1) * stride;
  if (last < pane) return ~(n * stride);
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const p = held[mid * stride] as number;
    if (p === pane) return mid * stride;
    if (p < pane) lo = mid + 1;
    else hi = mid;
  }
  return held[lo * stride] === pane ? lo * stride : ~(lo * stride);
}

/** The runs with one more, `[pane, ...counts]` at `index`, in an array of exactly their length. */
function withRun(held: readonly number[], index: number, pane: number, counts: readonly number[]): number[] {
  const out = new Array<number>(held.length + 1 + counts.length);
  for (let j = 0; j < index; j++) out[j] = held[j] as number;
  out[index] = pane;
  for (let c = 0; c < counts.length; c++) out[index + 1 + c] = counts[c] as number;
  for (let j = index; j < held.length; j++) out[j + 1 + counts.length] = held[j] as number;
  return out;
}
