import { describe, expect, it } from 'vitest';
import { batchFromRows, batchToRows, type RecordBatch } from '../../../engine/batch/record-batch.js';
import { decodeShuffleBlock, encodeShuffleBlock } from '../../../engine/exec/task-codec.js';
import { T } from '../../../engine/types/data-type.js';
import { schemaOf } from '../../../engine/types/schema.js';

const schema = schemaOf([T.field('word', T.string), T.field('n', T.long)]);
const job = { queryId: 'q', run: 2, batchId: 3, attempt: 1 };

describe('shuffle blocks on the wire', () => {
  it('carry every partition (empty ones too) in one Arrow stream and come back partition by partition', () => {
    const partitions = new Map<number, RecordBatch>([
      [5, batchFromRows(schema, [['a', 1], ['b', 2]])],
      [0, batchFromRows(schema, [])],
      [9, batchFromRows(schema, [['c', 3]])],
    ]);
    const e = encodeShuffleBlock({ job, mapTaskId: 2, partitions });
    expect(e.partitionIds).toEqual([5, 0, 9]);
    expect(e.partitionRowCounts).toEqual([2, 0, 1]);
    const back = decodeShuffleBlock(e);
    expect(back.job).toEqual(job);
    expect(back.mapTaskId).toBe(2);
    expect([...back.partitions.keys()]).toEqual([5, 0, 9]);
    expect(batchToRows(back.partitions.get(5) as RecordBatch)).toEqual([['a', 1], ['b', 2]]);
    expect((back.partitions.get(0) as RecordBatch).numRows).toBe(0);
    expect(batchToRows(back.partitions.get(9) as RecordBatch)).toEqual([['c', 3]]);
  });

  it('a block with no partitions is empty, and counts that overrun the rows are refused', () => {
    const none = encodeShuffleBlock({ job, mapTaskId: 0, partitions: new Map() });
    expect(none.rows.length).toBe(0);
    expect(decodeShuffleBlock(none).partitions.size).toBe(0);
    const e = encodeShuffleBlock({ job, mapTaskId: 0, partitions: new Map([[1, batchFromRows(schema, [['a', 1]])]]) });
    expect(() => decodeShuffleBlock({ ...e, partitionRowCounts: [2] })).toThrow(/ends past/);
  });
});
