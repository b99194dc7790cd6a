import { recordBatch, type RecordBatch } from '../../engine/batch/record-batch.js';
import { valuesVector, type Vector } from '../../engine/batch/vector.js';
import type { CompleteResultSpec } from '../../engine/physical/streaming-planner.js';
import { keyPartText } from '../../engine/state/key-text.js';
import type { DataType } from '../../engine/types/data-type.js';

/** Nested maps, one level per grouping column, down to the row's position. */
type KeyIndex = Map<unknown, KeyIndex | number>;

/**
 * The whole result of a complete-mode aggregation, kept by the driver between batches: one row per
 * grouping key, in columns. A batch's updated rows replace or join their keys (complete mode never
 * evicts), so workers send what changed and the sink still gets every row. Valid only for the
 * batches this run committed: the runner drops it on any failure, and the next batch asks for all
 * rows again.
 */
export class CompleteResult {
  private readonly columns: unknown[][];
  private readonly index: KeyIndex = new Map();
  private rows = 0;
  /** What identifies each grouping column's value in the index (see `keyPartOf`). */
  private readonly keyParts: readonly ((v: unknown) => unknown)[];

  constructor(private readonly spec: CompleteResultSpec) {
    this.columns = spec.schema.fields.map(() => []);
    this.keyParts = spec.schema.fields.slice(0, spec.keyCount).map((f) => keyPartOf(f.type));
  }

  get size(): number {
    return this.rows;
  }

  /** Adds or replaces the rows of `parts` (the stateful aggregate's output) by grouping key. */
  merge(parts: readonly RecordBatch[]): void {
    const keyCount = this.spec.keyCount;
    const keyPart = this.keyParts;
    for (const b of parts) {
      const values = (b.columns as readonly Vector[]).map((v) => (v.kind === 'values' ? v.values : undefined));
      const at = (c: number, i: number): unknown => {
        const vs = values[c];
        return vs ? vs[i] : (b.columns[c] as Extract<Vector, { kind: 'const' }>).value;
      };
      for (let i = 0; i < b.numRows; i++) {
        let level = this.index;
        let pos: number | undefined;
        for (let c = 0; c < keyCount; c++) {
          const part = (keyPart[c] as (v: unknown) => unknown)(at(c, i));
          const next = level.get(part);
          if (c === keyCount - 1) {
            if (next === undefined) level.set(part, (pos = this.rows++));
            else pos = next as number;
          } else {
            if (next === undefined) level.set(part, (level = new Map()));
            else level = next as KeyIndex;
          }
        }
        // No grouping columns (a global aggregate): one row.
        if (pos === undefined) pos = 0;
        if (pos >= this.rows) this.rows = pos + 1;
        for (let c = 0; c < this.columns.length; c++) (this.columns[c] as unknown[])[pos] = at(c, i) ?? null;
      }
    }
  }

  /** Every row, as a batch the caller may keep (later merges do not change it). */
  toBatch(): RecordBatch {
    return recordBatch(
      this.spec.schema,
      this.rows,
      this.columns.map((c) => valuesVector(c.slice(0, this.rows))),
    );
  }
}

/**
 * What identifies a grouping value in the index: primitives as they are (Map keys treat NaN as
 * equal to NaN and -0 as 0, as Spark's grouping does), structs and other composites by their JSON
 * text (written by the type's direct encoder: a window struct is two numbers, not a JSON walk).
 */
function keyPartOf(type: DataType): (v: unknown) => unknown {
  switch (type.kind) {
    case 'struct':
    case 'array':
    case 'map':
    case 'binary': {
      const text = keyPartText(type);
      return (v) => (v === undefined || v === null ? null : text(v));
    }
    default:
      return (v) => (v === undefined ? null : v);
  }
}
