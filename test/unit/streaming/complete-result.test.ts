import { describe, expect, it } from 'vitest';
import { batchFromRows, batchToRows } from '../../../engine/batch/record-batch.js';
import { T } from '../../../engine/types/data-type.js';
import { schemaOf } from '../../../engine/types/schema.js';
import { CompleteMerge, CompleteResult } from '../../../master/streaming/complete-result.js';

const windowed = schemaOf([
  T.field('window', T.struct([T.field('start', T.timestamp), T.field('end', T.timestamp)])),
  T.field('word', T.string),
  T.field('count', T.long),
]);

describe('CompleteResult (the driver-kept result of a complete-mode aggregation)', () => {
  it('replaces rows by grouping key, keeps the others, and hands out batches later merges do not change', () => {
    const r = new CompleteResult({ keyCount: 2, schema: windowed });
    r.merge([batchFromRows(windowed, [[[0, 10], 'a', 1], [[0, 10], 'b', 1], [[5, 15], 'a', 1]])]);
    const first = r.toBatch();
    r.merge([batchFromRows(windowed, [[[0, 10], 'a', 2]]), batchFromRows(windowed, [[[5, 15], 'c', 1]])]);
    expect(batchToRows(first)).toEqual([[[0, 10], 'a', 1], [[0, 10], 'b', 1], [[5, 15], 'a', 1]]);
    expect(batchToRows(r.toBatch())).toEqual([[[0, 10], 'a', 2], [[0, 10], 'b', 1], [[5, 15], 'a', 1], [[5, 15], 'c', 1]]);
    expect(r.size).toBe(4);
  });

  it('batches handed out stay as they were through any sequence of later merges', () => {
    const r = new CompleteResult({ keyCount: 2, schema: windowed });
    const handed: [ReturnType<typeof r.toBatch>, unknown[][]][] = [];
    const keep = (): void => {
      const b = r.toBatch();
      handed.push([b, batchToRows(b)]);
    };
    r.merge([batchFromRows(windowed, [[[0, 10], 'a', 1], [[0, 10], 'b', 1]])]);
    keep();
    keep(); // twice without a merge between
    r.merge([batchFromRows(windowed, [[[0, 10], 'a', 2]])]); // values only
    keep();
    r.merge([batchFromRows(windowed, [[[0, 10], 'c', 1]])]); // a new key only
    keep();
    r.merge([batchFromRows(windowed, [[[0, 10], 'b', 7], [[5, 15], 'a', 1]])]);
    keep();
    for (const [b, rows] of handed) expect(batchToRows(b)).toEqual(rows);
    expect(handed.map(([, rows]) => rows)).toEqual([
      [[[0, 10], 'a', 1], [[0, 10], 'b', 1]],
      [[[0, 10], 'a', 1], [[0, 10], 'b', 1]],
      [[[0, 10], 'a', 2], [[0, 10], 'b', 1]],
      [[[0, 10], 'a', 2], [[0, 10], 'b', 1], [[0, 10], 'c', 1]],
      [[[0, 10], 'a', 2], [[0, 10], 'b', 7], [[0, 10], 'c', 1], [[5, 15], 'a', 1]],
    ]);
  });

  it('groups NaN with NaN, -0 with 0, and null apart from every value', () => {
    const schema = schemaOf([T.field('x', T.double), T.field('n', T.long)]);
    const r = new CompleteResult({ keyCount: 1, schema });
    r.merge([batchFromRows(schema, [[NaN, 1], [0, 1], [null, 1]])]);
    r.merge([batchFromRows(schema, [[NaN, 2], [-0, 2], [null, 2]])]);
    expect(batchToRows(r.toBatch())).toEqual([[NaN, 2], [-0, 2], [null, 2]]);
  });

  it('a held key takes the batch value when it differs only as Spark groups it (-0 for 0, also in a struct field)', () => {
    const schema = schemaOf([T.field('k', T.struct([T.field('x', T.double), T.field('s', T.string)])), T.field('n', T.long)]);
    const r = new CompleteResult({ keyCount: 1, schema });
    r.merge([batchFromRows(schema, [[[0, 'a'], 1], [[1, 'b'], 1]])]);
    const first = r.toBatch();
    r.merge([batchFromRows(schema, [[[-0, 'a'], 2], [[1, 'b'], 2]])]);
    const rows = batchToRows(r.toBatch());
    expect(rows).toEqual([[[-0, 'a'], 2], [[1, 'b'], 2]]);
    expect(Object.is((rows[0]?.[0] as number[])[0], -0)).toBe(true);
    expect(Object.is((batchToRows(first)[0]?.[0] as number[])[0], 0)).toBe(true);
  });

  it('a global aggregate (no grouping columns) is one row', () => {
    const schema = schemaOf([T.field('count', T.long)]);
    const r = new CompleteResult({ keyCount: 0, schema });
    expect(r.toBatch().numRows).toBe(0);
    r.merge([batchFromRows(schema, [[3]])]);
    r.merge([batchFromRows(schema, [[5]])]);
    expect(batchToRows(r.toBatch())).toEqual([[5]]);
  });
});

describe('CompleteResult keys of struct columns', () => {
  it('tells a null struct from a struct of nulls, and finds a key whether rows share one struct object or each has its own', () => {
    const r = new CompleteResult({ keyCount: 2, schema: windowed });
    const shared: [number, number] = [0, 10];
    r.merge([batchFromRows(windowed, [[shared, 'a', 1], [shared, 'b', 1], [null, 'a', 1], [[null, null], 'a', 1]])]);
    r.merge([batchFromRows(windowed, [[[0, 10], 'a', 2], [[0, 10], 'b', 2], [null, 'a', 2], [[null, 10], 'a', 1]])]);
    expect(batchToRows(r.toBatch())).toEqual([
      [[0, 10], 'a', 2],
      [[0, 10], 'b', 2],
      [null, 'a', 2],
      [[null, null], 'a', 1],
      [[null, 10], 'a', 1],
    ]);
  });

  it('keys nested structs by their text', () => {
    const nested = schemaOf([T.field('k', T.struct([T.field('w', T.struct([T.field('s', T.long)])), T.field('n', T.string)])), T.field('c', T.long)]);
    const r = new CompleteResult({ keyCount: 1, schema: nested });
    r.merge([batchFromRows(nested, [[[[1], 'x'], 1], [[[2], 'x'], 1]])]);
    r.merge([batchFromRows(nested, [[[[1], 'x'], 5]])]);
    expect(batchToRows(r.toBatch())).toEqual([[[[1], 'x'], 5], [[[2], 'x'], 1]]);
  });
});

describe('CompleteResult index (last grouping column first, then a flat list or nested maps per value)', () => {
  /** A reference: the last row per key, keyed by a text no two distinct keys share (NaN with NaN, -0 with 0). */
  function reference(batches: readonly (readonly unknown[])[][], keyCount: number): unknown[][] {
    const byKey = new Map<string, unknown[]>();
    const text = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && Number.isNaN(x) ? 'NaN' : x === undefined ? null : x));
    for (const rows of batches) for (const row of rows) {
      const k = text(row.slice(0, keyCount).map((v) => (Array.isArray(v) ? v.map((f: unknown) => (Object.is(f, -0) ? 0 : f)) : Object.is(v, -0) ? 0 : v)));
      const held = byKey.get(k);
      if (held) held.splice(keyCount, held.length - keyCount, ...row.slice(keyCount));
      else byKey.set(k, [...row]);
    }
    return [...byKey.values()];
  }

  it('holds many keys under one value of the last column (past the flat list) and finds each again, in any order', () => {
    const r = new CompleteResult({ keyCount: 2, schema: windowed });
    const batches: unknown[][][] = [];
    // 40 windows of one word: the word's list turns into nested maps after 16.
    batches.push(Array.from({ length: 40 }, (_, w) => [[w * 10, w * 10 + 60], 'hot', 1]));
    // Interleaved words and windows, keys met again in reverse, new windows after the switch.
    batches.push(Array.from({ length: 60 }, (_, i) => [[(59 - i) * 10, (59 - i) * 10 + 60], i % 2 === 0 ? 'hot' : 'cold', i + 2]));
    batches.push([[[5, 65], 'hot', 99], [[0, 60], 'hot', 100], [[5, 65], 'cold', 7]]);
    for (const rows of batches) r.merge([batchFromRows(windowed, rows)]);
    expect(batchToRows(r.toBatch())).toEqual(reference(batches, 2));
  });

  it('compares every part as Spark groups: NaN with NaN, -0 with 0, null apart, a null struct apart from a struct of nulls', () => {
    const schema = schemaOf([
      T.field('w', T.struct([T.field('a', T.double), T.field('b', T.string)])),
      T.field('x', T.double),
      T.field('k', T.string),
      T.field('n', T.long),
    ]);
    const r = new CompleteResult({ keyCount: 3, schema });
    const batches: unknown[][][] = [
      [
        [[NaN, 'p'], 0, 'k', 1],
        [[0, 'p'], NaN, 'k', 1],
        [null, null, 'k', 1],
        [[null, null], null, 'k', 1],
        [[1, null], 1, null, 1],
      ],
      [
        [[NaN, 'p'], -0, 'k', 2],
        [[-0, 'p'], NaN, 'k', 2],
        [null, null, 'k', 2],
        [[null, null], null, 'k', 2],
        [[1, null], 1, null, 2],
        [[1, null], 1, 'k', 2],
      ],
    ];
    for (const rows of batches) r.merge([batchFromRows(schema, rows)]);
    const rows = batchToRows(r.toBatch());
    expect(rows.map((row) => row[3])).toEqual([2, 2, 2, 2, 2, 2]);
    expect(rows).toHaveLength(reference(batches, 3).length);
    // A held key takes the batch's -0 (the held value was 0), in a struct field and in a column.
    expect(Object.is(rows[0]?.[1], -0)).toBe(true);
    expect(Object.is((rows[1]?.[0] as number[])[0], -0)).toBe(true);
  });

  it('matches a reference over random batches of a two-window-per-key workload', () => {
    let seed = 7;
    const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const r = new CompleteResult({ keyCount: 2, schema: windowed });
    const batches: unknown[][][] = [];
    for (let b = 0; b < 20; b++) {
      const rows: unknown[][] = [];
      const seen = new Set<string>();
      for (let i = 0; i < 50; i++) {
        const word = `w${rand(30)}`;
        for (const w of [b, b + 1, rand(40)]) {
          const k = `${w}/${word}`;
          if (seen.has(k)) continue;
          seen.add(k);
          rows.push([[w * 30, w * 30 + 60], word, rand(1000)]);
        }
      }
      batches.push(rows);
      r.merge([batchFromRows(windowed, rows.slice(0, 40)), batchFromRows(windowed, rows.slice(40))]);
    }
    expect(batchToRows(r.toBatch())).toEqual(reference(batches, 2));
  });
});

describe('CompleteMerge (a batch merged as its reduce tasks end)', () => {
  const rows = (...r: unknown[][]) => batchFromRows(windowed, r);

  it('merges each task output once: as it came, and at the end only what did not come that way', () => {
    const table = new CompleteResult({ keyCount: 2, schema: windowed });
    table.merge([rows([[0, 60], 'a', 1], [[0, 60], 'b', 1])]);
    const before = table.toBatch();
    const merging = new CompleteMerge(table);
    const listener = merging.attemptListener();
    const early = rows([[0, 60], 'a', 2]);
    listener.take(early);
    // The sink's batch of the last batch is not changed by a merge under way.
    expect(batchToRows(before)).toEqual([[[0, 60], 'a', 1], [[0, 60], 'b', 1]]);
    listener.close();
    const late = rows([[0, 60], 'c', 1]);
    expect(batchToRows(merging.finish([early, late]))).toEqual([[[0, 60], 'a', 2], [[0, 60], 'b', 1], [[0, 60], 'c', 1]]);
  });

  it('a task of a failed attempt that ends after the attempt settled merges nothing; a retry returning the same rows gives the same table', () => {
    const table = new CompleteResult({ keyCount: 2, schema: windowed });
    table.merge([rows([[0, 60], 'a', 1], [[0, 60], 'b', 1])]);
    const merging = new CompleteMerge(table);
    // Attempt 1: one task ended (its partitions applied the batch), then the attempt failed.
    const first = merging.attemptListener();
    first.take(rows([[0, 60], 'a', 5]));
    first.close();
    // A task of attempt 1 ending late (its rows could be older than a later batch's) is ignored.
    first.take(rows([[0, 60], 'b', 999]));
    // Attempt 2: the applied partitions return their recorded output, the others their new rows.
    const second = merging.attemptListener();
    const recorded = rows([[0, 60], 'a', 5]);
    const fresh = rows([[0, 60], 'b', 2]);
    second.take(recorded);
    second.take(fresh);
    second.close();
    expect(batchToRows(merging.finish([recorded, fresh]))).toEqual([[[0, 60], 'a', 5], [[0, 60], 'b', 2]]);
  });
});
