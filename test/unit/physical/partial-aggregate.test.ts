import { describe, expect, it } from 'vitest';
import { batchToRows, recordBatch, type RecordBatch } from '../../../engine/batch/record-batch.js';
import { constVector, valuesVector } from '../../../engine/batch/vector.js';
import { B } from '../../../engine/expr/bound-expr.js';
import { defaultRegistry } from '../../../engine/functions/builtin/index.js';
import type { TaskContext } from '../../../engine/physical/operator.js';
import { PartialAggregateExec } from '../../../engine/physical/operators/partial-aggregate.js';
import { PartialMerger } from '../../../engine/physical/operators/partial-merger.js';
import { newTaskMetrics } from '../../../engine/physical/task-metrics.js';
import { T, WINDOW_TYPE } from '../../../engine/types/data-type.js';
import { schemaOf } from '../../../engine/types/schema.js';

const input = schemaOf([T.field('window', WINDOW_TYPE), T.field('word', T.string), T.field('x', T.integer)]);
const partial = schemaOf([T.field('window', WINDOW_TYPE), T.field('word', T.string), T.field('count', T.long), T.field('sum', T.long)]);
const ctx = (): TaskContext => ({ batchTimestampUs: 0, timeZone: 'UTC', ansi: false, registry: defaultRegistry, metrics: newTaskMetrics() });
const aggregates = [
  { fn: 'count', args: [B.lit(1, T.integer)], distinct: false, type: T.long },
  { fn: 'sum', args: [B.ref(2, T.integer, 'x')], distinct: false, type: T.long },
];
const w1 = [0, 60];
const w2 = [30, 90];

/** The same rows handed over once per window, as a sliding window does (one words column shared). */
function windowsOf(words: readonly (string | null)[], xs: readonly (number | null)[]): RecordBatch[] {
  const wv = valuesVector(words);
  const xv = valuesVector(xs);
  return [w1, w2].map((w) => recordBatch(input, words.length, [constVector(w), wv, xv]));
}

async function aggregate(batches: readonly RecordBatch[]): Promise<RecordBatch> {
  const op = PartialAggregateExec.create({ groupings: [B.ref(0, WINDOW_TYPE, 'window'), B.ref(1, T.string, 'word')], aggregates, schema: partial }, ctx());
  for (const b of batches) op.process(b);
  const out = await op.finish?.();
  return out?.[0] as RecordBatch;
}

describe('PartialAggregate, integral sums over a sliding window', () => {
  it('counts and sums per (window, word) across chunks; a sum over only nulls stays null; a word’s windows come out together', async () => {
    const out = await aggregate([...windowsOf(['a', 'b', 'a', null], [1, null, 2, 5]), ...windowsOf(['b', 'c', 'a'], [null, 3, 4])]);
    const rows = batchToRows(out);
    expect(rows).toEqual([
      [w1, 'a', 3, 7],
      [w2, 'a', 3, 7],
      [w1, 'b', 2, null],
      [w2, 'b', 2, null],
      [w1, null, 1, 5],
      [w2, null, 1, 5],
      [w1, 'c', 1, 3],
      [w2, 'c', 1, 3],
    ]);
  });

  it('merges on the reduce side to the same groups whatever the order rows arrive in', () => {
    const merger = new PartialMerger(2, ['sum', 'sum']);
    const block = (rows: unknown[][]): RecordBatch => recordBatch(partial, rows.length, partial.fields.map((_, c) => valuesVector(rows.map((r) => r[c]))));
    merger.add(block([[w1, 'a', 1, 1], [w2, 'a', 1, 1], [w1, 'b', 1, null]]));
    merger.add(block([[w2, 'b', 2, 2], [w1, 'b', 1, 3], [w1, 'a', 1, null], [w2, 'a', 1, 4]]));
    expect([...merger.entries()].map(([k, g]) => [k, g.buffers])).toEqual([
      ['[[0,60],"a"]', [2, 1]],
      ['[[30,90],"a"]', [2, 5]],
      ['[[0,60],"b"]', [2, 3]],
      ['[[30,90],"b"]', [2, 2]],
    ]);
  });
});
