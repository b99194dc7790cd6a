import { recordBatch, type RecordBatch } from '../../engine/batch/record-batch.js';
import { valuesVector, type Vector } from '../../engine/batch/vector.js';
import type { CompleteResultSpec } from '../../engine/physical/streaming-planner.js';
import type { DataType } from '../../engine/types/data-type.js';
import { paneOutputShapeOf } from '../../engine/physical/pane-output.js';
import { PaneTotals } from './pane-totals.js';
import { ResultKeyIndex } from './result-key-index.js';

/**
 * The whole result of a complete-mode aggregation, kept by the driver between batches: one row per
 * grouping key, in columns. A batch's updated rows replace or join their keys (complete mode never
 * evicts), so workers send what changed and the sink still gets every row. Valid only for the
 * batches this run committed: the runner drops it on any failure, and the next batch asks for all
 * rows again. Keys are found by `ResultKeyIndex`.
 */
export class CompleteResult {
  private readonly columns: unknown[][];
  /** Columns last handed out by `toBatch` and not written since: the next write copies them first. */
  private readonly shared: boolean[];
  private readonly index: ResultKeyIndex;
  /** Per grouping column: whether a held value can differ from the batch's for the same key (see `exactKeyType`). */
  private readonly mayDiffer: readonly boolean[];
  private rows = 0;
  /** The pane totals the windows were made of, when the workers send those (see `PaneTotals`). */
  private paneTotals: PaneTotals | undefined;

  constructor(private readonly spec: CompleteResultSpec) {
    this.columns = spec.schema.fields.map(() => []);
    this.shared = spec.schema.fields.map(() => false);
    const keyTypes = spec.schema.fields.slice(0, spec.keyCount).map((f) => f.type);
    this.index = new ResultKeyIndex(keyTypes);
    this.mayDiffer = keyTypes.map((t) => !exactKeyType(t));
  }

  get size(): number {
    return this.rows;
  }

  /**
   * Adds or replaces the rows of `parts` (the stateful aggregate's output) by grouping key; a part of
   * pane totals (pane-output.ts) changes the windows its panes are in.
   */
  merge(parts: readonly RecordBatch[]): void {
    for (const b of parts) {
      const shape = paneOutputShapeOf(b);
      if (shape) this.addPanes(b, (this.paneTotals ??= new PaneTotals(shape, this.spec.schema)), shape.windowKey);
      else this.replace(b);
    }
  }

  /** Adds a batch of pane totals' changes to the windows they are in; a new window takes them as they are. */
  private addPanes(b: RecordBatch, totals: PaneTotals, windowKey: number): void {
    const keyCount = this.spec.keyCount;
    const width = this.columns.length;
    // The window and the key looked up, as the index reads a row's grouping columns.
    const key: { kind: 'const'; value: unknown }[] = [
      { kind: 'const', value: null },
      { kind: 'const', value: null },
    ];
    for (let c = keyCount; c < width; c++) if (this.shared[c]) this.unshare(c);
    totals.take(b, (window, k, amounts) => {
      (key[windowKey] as { value: unknown }).value = window;
      (key[1 - windowKey] as { value: unknown }).value = k;
      const before = this.index.size;
      const pos = this.index.positionOf(key, 0);
      if (this.index.size > before) {
        this.rows = pos + 1;
        for (let c = 0; c < keyCount; c++) {
          if (this.shared[c]) this.unshare(c);
          (this.columns[c] as unknown[])[pos] = (key[c] as { value: unknown }).value;
        }
        for (let c = keyCount; c < width; c++) (this.columns[c] as unknown[])[pos] = amounts[c - keyCount];
        return;
      }
      for (let c = keyCount; c < width; c++) {
        const column = this.columns[c] as number[];
        column[pos] = (column[pos] as number) + (amounts[c - keyCount] as number);
      }
    });
  }

  /** Adds or replaces `b`'s rows by grouping key. */
  private replace(b: RecordBatch): void {
    const width = this.columns.length;
    const keyCount = this.spec.keyCount;
    const columns = this.columns;
    const shared = this.shared;
    const index = this.index;
    const mayDiffer = this.mayDiffer;
    const vectors = b.columns as readonly Vector[];
    for (let i = 0; i < b.numRows; i++) {
      const before = index.size;
      // No grouping columns (a global aggregate): one row.
      const pos = keyCount === 0 ? 0 : index.positionOf(vectors, i);
      if (pos >= this.rows) this.rows = pos + 1;
      // A key already held keeps its value unless the new one differs (-0 for 0): the batch's
      // copy of an equal string or window then dies young instead of replacing one in the old
      // generation, and a key column no new key reaches is not copied.
      const added = index.size > before || keyCount === 0;
      for (let c = 0; c < width; c++) {
        const vec = vectors[c] as Vector;
        const v = (vec.kind === 'values' ? vec.values[i] : vec.value) ?? null;
        if (c < keyCount && !added && (!mayDiffer[c] || sameKeyValue((columns[c] as unknown[])[pos], v))) continue;
        if (shared[c]) this.unshare(c);
        (columns[c] as unknown[])[pos] = v;
      }
    }
  }

  /**
   * Every row, as a batch the caller may keep (later merges do not change it): the columns
   * themselves, copied by the next merge that writes to them rather than here, so a column no
   * batch changes is never copied.
   */
  toBatch(): RecordBatch {
    const rows = this.rows;
    return recordBatch(
      this.spec.schema,
      rows,
      this.columns.map((c, i) => {
        if (c.length !== rows) return valuesVector(c.slice(0, rows));
        this.shared[i] = true;
        return valuesVector(c);
      }),
    );
  }

  /** Copies column `c` before its first write since a batch handed out holds it. */
  private unshare(c: number): void {
    this.columns[c] = (this.columns[c] as unknown[]).slice();
    this.shared[c] = false;
  }
}

/**
 * One batch's merge into the driver's table: each reduce task's rows as the task ends (while the
 * other tasks still run), then whatever the batch's result lists that did not come that way. An
 * attempt's listener stops taking rows once the attempt settled: a task of a failed attempt that
 * ends late must not merge rows into a table a later batch has moved on. Rows an attempt merged
 * before failing are the batch's own (partitions that applied it return their recorded output to
 * the retry), and merging a key again replaces it with the same row (pane totals again change nothing).
 */
export class CompleteMerge {
  private readonly merged = new Set<RecordBatch>();

  constructor(readonly table: CompleteResult) {}

  attemptListener(): { readonly take: (output: RecordBatch) => void; close(): void } {
    let open = true;
    return {
      take: (output) => {
        if (!open) return;
        this.table.merge([output]);
        this.merged.add(output);
      },
      close: () => {
        open = false;
      },
    };
  }

  /** Merges the outputs not merged yet; the table's rows as a batch. */
  finish(outputs: readonly RecordBatch[]): RecordBatch {
    this.table.merge(outputs.filter((o) => !this.merged.has(o)));
    return this.table.toBatch();
  }
}

/** Whether a held key value can stay for the batch's: the same value, or a struct of the same field values (a window). */
function sameKeyValue(held: unknown, v: unknown): boolean {
  if (Object.is(held, v)) return true;
  if (!Array.isArray(held) || !Array.isArray(v) || held.length !== v.length) return false;
  for (let f = 0; f < v.length; f++) if (!Object.is(held[f], v[f])) return false;
  return true;
}

/**
 * Whether two values of the type that group together are the same value, so a held key never needs
 * the batch's: true of strings and booleans, and of whole numbers and times (a -0 there is written
 * as 0 everywhere), and of structs of those (a window). Floating point keys group -0 with 0 and
 * are compared; composites keyed by their text too.
 */
function exactKeyType(type: DataType): boolean {
  switch (type.kind) {
    case 'null':
    case 'boolean':
    case 'string':
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
    case 'date':
    case 'timestamp':
    case 'timestamp_ntz':
      return true;
    case 'struct':
      return type.fields.every((f) => exactKeyType(f.type));
    case 'float':
    case 'double':
    case 'binary':
    case 'array':
    case 'map':
      return false;
    default: {
      const never: never = type;
      return Boolean(never);
    }
  }
}
