import { describe, expect, it } from 'vitest';
import { batchFromRows, batchToRows } from '../../../engine/batch/record-batch.js';
import { T } from '../../../engine/types/data-type.js';
import { schemaOf } from '../../../engine/types/schema.js';
import { CompleteResult } from '../../../master/streaming/complete-result.js';

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
