import { describe, expect, it } from 'vitest';
import { batchFromRows, batchToRows } from '../../../engine/batch/record-batch.js';
import { B } from '../../../engine/expr/bound-expr.js';
import { defaultRegistry } from '../../../engine/functions/builtin/index.js';
import { StreamStaticJoinExec, type StreamStaticJoinConfig } from '../../../engine/physical/join-operator.js';
import { newTaskMetrics } from '../../../engine/physical/task-metrics.js';
import { T } from '../../../engine/types/data-type.js';
import { schemaOf } from '../../../engine/types/schema.js';

const ctx = { registry: defaultRegistry, metrics: newTaskMetrics(), timeZone: 'UTC', ansi: true, batchTimestampUs: 0 };
const words = schemaOf([T.field('word', T.string, true)]);
const lookup = schemaOf([T.field('key', T.string, true), T.field('kind', T.string, true)]);
const staticRows = [
  ['cat', 'animal'],
  ['tea', 'drink'],
];

describe('StreamStaticJoin', () => {
  it('left outer with the stream on the left keeps unmatched stream rows', () => {
    const config: StreamStaticJoinConfig = {
      joinType: 'leftOuter',
      leftKeys: [B.ref(0, T.string, 'word')],
      rightKeys: [B.ref(0, T.string, 'key')],
      condition: undefined,
      schema: schemaOf([...words.fields, ...lookup.fields]),
      streamSide: 'left',
      staticSchema: lookup,
      staticRows,
    };
    const op = StreamStaticJoinExec.create(config, ctx);
    const [out] = op.process(batchFromRows(words, [['cat'], ['fish'], ['tea']]));
    expect(batchToRows(out!)).toEqual([
      ['cat', 'cat', 'animal'],
      ['fish', null, null],
      ['tea', 'tea', 'drink'],
    ]);
  });

  it('right outer with the stream on the right keeps the plan’s column order (static columns first)', () => {
    const config: StreamStaticJoinConfig = {
      joinType: 'rightOuter',
      leftKeys: [B.ref(0, T.string, 'key')],
      rightKeys: [B.ref(0, T.string, 'word')],
      condition: B.call('!=', [B.ref(1, T.string, 'kind'), B.ref(2, T.string, 'word')], T.boolean),
      schema: schemaOf([...lookup.fields, ...words.fields]),
      streamSide: 'right',
      staticSchema: lookup,
      staticRows,
    };
    const op = StreamStaticJoinExec.create(config, ctx);
    const [out] = op.process(batchFromRows(words, [['tea'], ['dog']]));
    expect(batchToRows(out!)).toEqual([
      ['tea', 'drink', 'tea'],
      [null, null, 'dog'],
    ]);
  });
});
