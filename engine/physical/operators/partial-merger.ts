import type { RecordBatch } from '../../batch/record-batch.js';
import type { MergeOp } from '../../functions/function.js';
import { keyPartText } from '../../state/key-text.js';
import { RAW_KEY_KINDS, splitKeyText, stateKeyText, WHOLE_KEY } from '../../state/state-key.js';
import { mergeValue, type StateRow } from '../../state/state-store.js';
import type { StructField } from '../../types/data-type.js';

/**
 * One group of merged partial rows: its grouping values, merged buffers and state identity
 * (`StateKey`, see state-key.ts), so the stateful aggregate hands it to its store as it is.
 */
export class MergedGroup implements StateRow {
  constructor(
    public group: string,
    public member: unknown,
    readonly keyValues: unknown[],
    readonly buffers: unknown[],
    readonly eventTimeUs: number | null,
  ) {}
}

/** Groups partial rows (key columns first, then buffer slots) by key, merging buffers. */
export class PartialMerger {
  /** Groups by their whole key text (keys whose last column is of another kind); their identity is split in `rows`. */
  private readonly byText = new Map<string, MergedGroup>();
  /** Keys whose last column is a string or an integer: last value → group by the other columns' text (as `prefixIds` numbers it). */
  private readonly byLast = new Map<unknown, (MergedGroup | undefined)[]>();
  private readonly prefixIds = new Map<string, number>();
  /** The `byLast` groups in the order they were first seen (the order `rows` gives). */
  private readonly ordered: MergedGroup[] = [];

  /** `eventTimeOf` gives each group's event time from its grouping values (stateful aggregation). */
  constructor(
    private readonly keyCount: number,
    private readonly ops: readonly MergeOp[],
    private readonly eventTimeOf: (key: readonly unknown[]) => number | null = () => null,
  ) {}

  add(batch: RecordBatch): void {
    const kc = this.keyCount;
    const cols = batch.columns;
    const width = cols.length;
    const read = cols.map((c) => (c.kind === 'const' ? (): unknown => c.value : (i: number): unknown => c.values[i]));
    // The state key is encodeKey(key); a constant key column (a window from the batch time) is written once.
    const text = cols.slice(0, kc).map((c, i): ((row: number) => string) => {
      const part = keyPartText((batch.schema.fields[i] as StructField).type);
      if (c.kind === 'const') {
        const once = part(c.value);
        return () => once;
      }
      // Rows of one window share its struct (also after a structured clone): its text is written
      // once per object, and rows may alternate between windows (a map task's output is key-major).
      const texts = new Map<object, string>();
      return (row) => {
        const v = c.values[row];
        if (typeof v !== 'object' || v === null) return part(v);
        let t = texts.get(v);
        if (t === undefined) texts.set(v, (t = part(v)));
        return t;
      };
    });
    const last = kc > 0 ? (batch.schema.fields[kc - 1] as StructField).type.kind : undefined;
    if (last !== undefined && RAW_KEY_KINDS.has(last)) {
      this.addByLastKey(batch, text, read);
      return;
    }
    for (let i = 0; i < batch.numRows; i++) {
      let k = '[';
      for (let c = 0; c < kc; c++) k += (c === 0 ? '' : ',') + (text[c] as (row: number) => string)(i);
      k += ']';
      const g = this.byText.get(k);
      if (g) this.mergeRow(g.buffers, read, i, width);
      else this.byText.set(k, this.newGroup(read, i, width, k, WHOLE_KEY));
    }
  }

  /**
   * `add` for keys whose last column is a string or an integer (a word under a window): groups
   * are found by the raw last value (whose text is injective), then by the other columns' text,
   * which with the last value is the group's state identity: no whole key text is written. Map tasks
   * send their rows key-major (a word's windows together), so consecutive rows mostly share the
   * last value and only the first of them pays for hashing it.
   */
  private addByLastKey(batch: RecordBatch, text: readonly ((row: number) => string)[], read: readonly ((i: number) => unknown)[]): void {
    const kc = this.keyCount;
    const width = batch.columns.length;
    const lastCol = batch.columns[kc - 1];
    const lastValues = lastCol?.kind === 'values' ? lastCol.values : undefined;
    const readLast = read[kc - 1] as (i: number) => unknown;
    let lastPrefix: string | undefined;
    let prefixId = 0;
    let lastValue: unknown;
    let slots: (MergedGroup | undefined)[] | undefined;
    for (let i = 0; i < batch.numRows; i++) {
      let prefix = '';
      for (let c = 0; c < kc - 1; c++) prefix += (c === 0 ? '' : ',') + (text[c] as (row: number) => string)(i);
      if (prefix !== lastPrefix) {
        let id = this.prefixIds.get(prefix);
        if (id === undefined) this.prefixIds.set(prefix, (id = this.prefixIds.size));
        prefixId = id;
        lastPrefix = prefix;
      }
      const v = (lastValues ? lastValues[i] : readLast(i)) ?? null;
      // Equal to the previous row's value (=== compares strings by content; NaN falls through to the map).
      if (v !== lastValue || !slots) {
        slots = this.byLast.get(v);
        if (!slots) this.byLast.set(v, (slots = []));
        lastValue = v;
      }
      const g = slots[prefixId];
      if (g) {
        this.mergeRow(g.buffers, read, i, width);
      } else {
        const group = this.newGroup(read, i, width, prefix, v);
        slots[prefixId] = group;
        this.ordered.push(group);
      }
    }
  }

  private mergeRow(into: unknown[], read: readonly ((i: number) => unknown)[], row: number, width: number): void {
    const kc = this.keyCount;
    for (let c = kc; c < width; c++) {
      const b = (read[c] as (i: number) => unknown)(row);
      const op = this.ops[c - kc] as MergeOp;
      const a = into[c - kc];
      // The common case (counts, sums) without the generic merge's dispatch.
      into[c - kc] = op === 'sum' && typeof a === 'number' && typeof b === 'number' ? a + b : mergeValue(op, a, b);
    }
  }

  private newGroup(read: readonly ((i: number) => unknown)[], row: number, width: number, group: string, member: unknown): MergedGroup {
    const kc = this.keyCount;
    const key = new Array<unknown>(kc);
    for (let c = 0; c < kc; c++) key[c] = (read[c] as (i: number) => unknown)(row);
    const buffers = new Array<unknown>(width - kc);
    for (let c = kc; c < width; c++) buffers[c - kc] = (read[c] as (i: number) => unknown)(row);
    return new MergedGroup(group, member, key, buffers, this.eventTimeOf(key));
  }

  /** Every group, in the order first seen (without their state identity: see `rows`). */
  groups(): MergedGroup[] {
    return [...this.byText.values(), ...this.ordered];
  }

  /** Every group with its state identity, in the order first seen. */
  rows(): MergedGroup[] {
    const kc = this.keyCount;
    for (const [text, g] of this.byText) {
      if (g.member !== WHOLE_KEY) continue;
      const id = splitKeyText(text, g.keyValues[kc - 1], kc);
      g.group = id.group;
      g.member = id.member;
    }
    return this.groups();
  }

  /** Every group with its state key's text (`encodeKey` of its grouping values), in the order first seen. */
  *entries(): IterableIterator<[string, MergedGroup]> {
    for (const g of this.rows()) yield [stateKeyText(g), g];
  }

  get size(): number {
    return this.byText.size + this.ordered.length;
  }
}
