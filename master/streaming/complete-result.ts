import { recordBatch, type RecordBatch } from '../../engine/batch/record-batch.js';
import { valuesVector, type Vector } from '../../engine/batch/vector.js';
import type { CompleteResultSpec } from '../../engine/physical/streaming-planner.js';
import { keyPartText } from '../../engine/state/key-text.js';
import type { DataType } from '../../engine/types/data-type.js';

/** Nested maps, one level per grouping value (a flat struct has one per field), down to the row's position. */
type KeyIndex = Map<unknown, KeyIndex | number>;

/** One level of the index: which grouping column it reads and what of the value identifies it. */
interface Level {
  readonly column: number;
  /** How many levels the column has (on its first level: the levels a cache hit skips). */
  readonly span: number;
  readonly part: (v: unknown) => unknown;
}

/** What `Level.part` gives a null struct at every level: no field value is this symbol. */
const NULL_STRUCT = Symbol('null struct');

/**
 * The whole result of a complete-mode aggregation, kept by the driver between batches: one row per
 * grouping key, in columns. A batch's updated rows replace or join their keys (complete mode never
 * evicts), so workers send what changed and the sink still gets every row. Valid only for the
 * batches this run committed: the runner drops it on any failure, and the next batch asks for all
 * rows again.
 *
 * Keys are found through nested maps of the grouping values themselves (a window struct is two
 * levels, start and end), not through a text per row: a batch of a sliding-window query updates
 * every (window, word) it saw, and rows decoded from Arrow each carry their own struct object. Rows
 * that share one struct object (a structured clone keeps the sharing of the workers' output) skip
 * its levels: through a map by object for the first column, a one-entry cache for the others.
 */
export class CompleteResult {
  private readonly columns: unknown[][];
  /** Columns last handed out by `toBatch` and not written since: the next write copies them first. */
  private readonly shared: boolean[];
  private readonly index: KeyIndex = new Map();
  private rows = 0;
  private readonly levels: readonly Level[];

  constructor(private readonly spec: CompleteResultSpec) {
    this.columns = spec.schema.fields.map(() => []);
    this.shared = spec.schema.fields.map(() => false);
    this.levels = spec.schema.fields.slice(0, spec.keyCount).flatMap((f, column) => {
      const parts = levelParts(f.type);
      return parts.map((part) => ({ column, span: parts.length, part }));
    });
  }

  get size(): number {
    return this.rows;
  }

  /** Adds or replaces the rows of `parts` (the stateful aggregate's output) by grouping key. */
  merge(parts: readonly RecordBatch[]): void {
    const levels = this.levels;
    const depth = levels.length;
    const width = this.columns.length;
    const keyCount = this.spec.keyCount;
    // Per level: the map the last lookup started from, the object it read, and where its column's levels led.
    const cacheFrom: (KeyIndex | undefined)[] = levels.map(() => undefined);
    const cacheValue: unknown[] = levels.map(() => undefined);
    const cacheTo: (KeyIndex | number | undefined)[] = levels.map(() => undefined);
    // The first column always starts from the root: where each of its struct objects led (rows alternate between windows).
    const firstTo = new Map<object, KeyIndex | number>();
    const columns = this.columns;
    const shared = this.shared;
    for (const b of parts) {
      const values = (b.columns as readonly Vector[]).map((v) => (v.kind === 'values' ? v.values : undefined));
      const at = (c: number, i: number): unknown => {
        const vs = values[c];
        return vs ? vs[i] : (b.columns[c] as Extract<Vector, { kind: 'const' }>).value;
      };
      for (let i = 0; i < b.numRows; i++) {
        let node: KeyIndex | number = this.index;
        const before = this.rows;
        for (let l = 0; l < depth; ) {
          const level = levels[l] as Level;
          const v = at(level.column, i);
          const from = node as KeyIndex;
          if (level.span > 1 && typeof v === 'object' && v !== null) {
            const to = l === 0 ? firstTo.get(v) : cacheValue[l] === v && cacheFrom[l] === from ? cacheTo[l] : undefined;
            if (to !== undefined) {
              node = to;
              l += level.span;
              continue;
            }
          }
          for (let k = 0; k < level.span; k++, l++) {
            const part = (levels[l] as Level).part(v);
            const map = node as KeyIndex;
            let next = map.get(part);
            if (next === undefined) map.set(part, (next = l === depth - 1 ? this.rows++ : new Map()));
            node = next;
          }
          if (level.span > 1 && l === level.span && typeof v === 'object' && v !== null) firstTo.set(v, node);
          else if (level.span > 1) {
            cacheFrom[l - level.span] = from;
            cacheValue[l - level.span] = v;
            cacheTo[l - level.span] = node;
          }
        }
        // No grouping columns (a global aggregate): one row.
        const pos = depth === 0 ? 0 : (node as number);
        if (pos >= this.rows) this.rows = pos + 1;
        // A key already held keeps its value unless the new one differs (-0 for 0): the batch's
        // copy of an equal string or window then dies young instead of replacing one in the old
        // generation, and a key column no new key reaches is not copied.
        const added = this.rows > before || depth === 0;
        for (let c = 0; c < width; c++) {
          const v = at(c, i) ?? null;
          if (c < keyCount && !added && sameKeyValue((columns[c] as unknown[])[pos], v)) continue;
          if (shared[c]) this.unshare(c);
          (columns[c] as unknown[])[pos] = v;
        }
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

/** Whether a held key value can stay for the batch's: the same value, or a struct of the same field values (a window). */
function sameKeyValue(held: unknown, v: unknown): boolean {
  if (Object.is(held, v)) return true;
  if (!Array.isArray(held) || !Array.isArray(v) || held.length !== v.length) return false;
  for (let f = 0; f < v.length; f++) if (!Object.is(held[f], v[f])) return false;
  return true;
}

/**
 * What identifies a grouping value, level by level: primitives as they are (Map keys treat NaN as
 * equal to NaN and -0 as 0, as Spark's grouping does); a struct of primitive fields one level per
 * field (a null struct is `NULL_STRUCT` at each); other composites by their JSON text (written by
 * the type's direct encoder).
 */
function levelParts(type: DataType): ((v: unknown) => unknown)[] {
  switch (type.kind) {
    case 'struct':
      if (type.fields.length > 0 && type.fields.every((f) => !isComposite(f.type))) {
        return type.fields.map((_, f) => (v: unknown) => (v === undefined || v === null ? NULL_STRUCT : ((v as readonly unknown[])[f] ?? null)));
      }
      return [textPart(type)];
    case 'array':
    case 'map':
    case 'binary':
      return [textPart(type)];
    default:
      return [(v) => (v === undefined ? null : v)];
  }
}

function isComposite(type: DataType): boolean {
  return type.kind === 'struct' || type.kind === 'array' || type.kind === 'map' || type.kind === 'binary';
}

function textPart(type: DataType): (v: unknown) => unknown {
  const text = keyPartText(type);
  return (v) => (v === undefined || v === null ? null : text(v));
}
