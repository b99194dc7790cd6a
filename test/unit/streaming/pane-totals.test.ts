import { describe, expect, it } from 'vitest';
import { batchFromRows, batchToRows } from '../../../engine/batch/record-batch.js';
import { paneOutputSchema, paneOutputShapeOf, panesAddUp } from '../../../engine/physical/pane-output.js';
import { Panes } from '../../../engine/physical/operators/panes.js';
import { T } from '../../../engine/types/data-type.js';
import { schemaOf } from '../../../engine/types/schema.js';
import { CompleteMerge, CompleteResult } from '../../../master/streaming/complete-result.js';

const windowed = schemaOf([
  T.field('window', T.struct([T.field('start', T.timestamp), T.field('end', T.timestamp)])),
  T.field('word', T.string),
  T.field('count', T.long),
]);
// Windows 30 µs sliding 10 µs: panes 10 µs wide, three windows a pane.
const shape = { windowUs: 30, slideUs: 10, startUs: 0, windowKey: 0 };
const paneSchema = paneOutputSchema(shape, windowed);
const panes = new Panes(30, 10, 0);

/** The window rows a table of pane totals (pane, word, count) gives, as the workers' window rows would be. */
function windowRows(totals: readonly [number, string, number][]): unknown[][] {
  const byKey = new Map<string, [number[], string, number]>();
  for (const [pane, word, n] of totals) {
    for (const w of panes.windowsOf(pane)) {
      const k = JSON.stringify([w, word]);
      const held = byKey.get(k);
      if (held) held[2] += n;
      else byKey.set(k, [[...w], word, n]);
    }
  }
  return [...byKey.values()];
}

const sorted = (rows: unknown[][]): string[] => rows.map((r) => JSON.stringify(r)).sort();

describe('pane totals from the workers (the driver makes the windows)', () => {
  it('is taken only for plain counts, and a batch names its shape', () => {
    expect(panesAddUp([{ fn: 'count', args: [], distinct: false, type: T.long }])).toBe(true);
    expect(panesAddUp([{ fn: 'count', args: [], distinct: true, type: T.long }])).toBe(false);
    expect(panesAddUp([{ fn: 'sum', args: [], distinct: false, type: T.long }])).toBe(false);
    expect(panesAddUp([])).toBe(false);
    expect(paneOutputShapeOf(batchFromRows(paneSchema, []))).toEqual(shape);
    expect(paneOutputShapeOf(batchFromRows(windowed, []))).toBeUndefined();
  });

  it('holds the windows the panes make, batch after batch, new panes, changed ones and new words', () => {
    const r = new CompleteResult({ keyCount: 2, schema: windowed });
    const held = new Map<string, [number, string, number]>();
    const batches: [number, string, number][][] = [
      [[0, 'a', 1], [10, 'a', 2], [0, 'b', 1]],
      [[10, 'a', 5], [20, 'b', 1]],
      [[40, 'c', 3], [0, 'a', 1], [30, 'a', 0]],
    ];
    for (const b of batches) {
      r.merge([batchFromRows(paneSchema, b)]);
      for (const t of b) held.set(JSON.stringify([t[0], t[1]]), t);
      expect(sorted(batchToRows(r.toBatch()))).toEqual(sorted(windowRows([...held.values()])));
    }
  });

  it('takes a batch\'s totals twice (a retried attempt, a replay) without counting them twice', () => {
    const once = new CompleteResult({ keyCount: 2, schema: windowed });
    const twice = new CompleteResult({ keyCount: 2, schema: windowed });
    const b0 = batchFromRows(paneSchema, [[0, 'a', 1], [10, 'a', 2]]);
    const b1 = batchFromRows(paneSchema, [[10, 'a', 4], [20, 'a', 1]]);
    once.merge([b0]);
    once.merge([b1]);
    twice.merge([b0, b0]);
    const merge = new CompleteMerge(twice);
    const failed = merge.attemptListener();
    failed.take(b1);
    failed.close();
    // The retry's partitions return the same totals (recorded output), merged again.
    const rows = merge.finish([batchFromRows(paneSchema, [[10, 'a', 4], [20, 'a', 1]])]);
    expect(sorted(batchToRows(rows))).toEqual(sorted(batchToRows(once.toBatch())));
    expect(sorted(batchToRows(rows))).toEqual(sorted(windowRows([[0, 'a', 1], [10, 'a', 4], [20, 'a', 1]])));
  });

  it('a table asked for again (every pane, after a restart or failure) holds what the batches built', () => {
    const built = new CompleteResult({ keyCount: 2, schema: windowed });
    built.merge([batchFromRows(paneSchema, [[0, 'a', 1], [10, 'b', 2]])]);
    built.merge([batchFromRows(paneSchema, [[0, 'a', 3], [20, 'b', 1]])]);
    const rebuilt = new CompleteResult({ keyCount: 2, schema: windowed });
    rebuilt.merge([batchFromRows(paneSchema, [[0, 'a', 3], [10, 'b', 2], [20, 'b', 1]])]);
    expect(sorted(batchToRows(rebuilt.toBatch()))).toEqual(sorted(batchToRows(built.toBatch())));
  });

  it('holds a key\'s panes in any order they come, older ones changed after newer ones', () => {
    const r = new CompleteResult({ keyCount: 2, schema: windowed });
    const held = new Map<string, [number, string, number]>();
    const batches: [number, string, number][][] = [
      [[50, 'a', 1], [20, 'a', 2], [80, 'a', 1], [0, 'a', 4]],
      [[30, 'a', 3], [20, 'a', 5], [90, 'a', 1], [60, 'a', 2], [10, 'b', 1]],
      [[0, 'a', 6], [40, 'a', 1], [70, 'a', 2], [50, 'a', 1], [30, 'a', 4], [10, 'a', 1], [90, 'a', 3]],
    ];
    for (const b of batches) {
      r.merge([batchFromRows(paneSchema, b)]);
      for (const t of b) held.set(JSON.stringify([t[0], t[1]]), t);
      expect(sorted(batchToRows(r.toBatch()))).toEqual(sorted(windowRows([...held.values()])));
    }
  });

  it('puts the window where the result has it (the window second)', () => {
    const wordFirst = schemaOf([windowed.fields[1]!, windowed.fields[0]!, windowed.fields[2]!]);
    const s = paneOutputSchema({ ...shape, windowKey: 1 }, wordFirst);
    const r = new CompleteResult({ keyCount: 2, schema: wordFirst });
    r.merge([batchFromRows(s, [[0, 'a', 2]])]);
    expect(sorted(batchToRows(r.toBatch()))).toEqual(sorted(windowRows([[0, 'a', 2]]).map(([w, word, n]) => [word, w, n])));
  });
});
