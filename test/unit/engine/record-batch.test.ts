import { describe, expect, it } from 'vitest';
import { batchFromRows, batchToRows, concatBatches, constVector, recordBatch, takeRows } from '../../../engine/batch/index.js';
import { T } from '../../../engine/types/data-type.js';
import { schemaOf } from '../../../engine/types/schema.js';

const schema = schemaOf([T.field('word', T.string), T.field('n', T.long)]);

describe('RecordBatch', () => {
  it('round-trips rows and keeps const columns constant until materialized', () => {
    const b = recordBatch(schema, 2, [{ kind: 'values', values: ['a', 'b'] }, constVector(7)]);
    expect(batchToRows(b)).toEqual([
      ['a', 7],
      ['b', 7],
    ]);
    expect(takeRows(b, [1]).columns[1]).toEqual(constVector(7));
  });

  it('concatenates batches, merging equal constants', () => {
    const a = recordBatch(schema, 1, [{ kind: 'values', values: ['a'] }, constVector(1)]);
    const b = batchFromRows(schema, [['b', 2]]);
    expect(batchToRows(concatBatches(schema, [a, b]))).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });
});
