import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeArrowIpc, encodeArrowBatch } from '../../engine/arrow/index.js';
import { batchFromRows, batchToRows } from '../../engine/batch/record-batch.js';
import { T } from '../../engine/types/data-type.js';
import { schemaOf } from '../../engine/types/schema.js';
import type { Relation } from '../../proto/generated/spark/connect/Relation.js';
import { decodeError, expectWellFormed, startHarness, type Harness, type Response } from './harness.js';
import { root, sql } from './pyspark-plans.js';

const people: Relation = {
  common: { plan_id: 1 },
  local_relation: {
    data: Buffer.from(
      encodeArrowBatch(
        batchFromRows(schemaOf([T.field('name', T.string), T.field('age', T.long)]), [
          ['ann', 31],
          ['bob', 42],
        ]),
        'UTC',
      ),
    ),
  },
};

const rowsOf = (messages: readonly Response[]): unknown[][] =>
  messages
    .filter((m) => m.response_type === 'arrow_batch')
    .flatMap((m) => batchToRows(decodeArrowIpc(new Uint8Array(m.arrow_batch?.data ?? Buffer.alloc(0)))));

describe('temporary views (create_dataframe_view)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });

  afterAll(async () => {
    await h.close();
  });

  it('createOrReplaceTempView, then spark.sql over it; createTempView refuses an existing name', async () => {
    const s = h.session();
    const created = await s.ok({ command: { create_dataframe_view: { input: people, name: 'people', is_global: false, replace: true } } });
    expectWellFormed(created, s.sessionId);
    expect(created).toHaveLength(1);
    const result = await s.ok(root(sql('SELECT name FROM people WHERE age > 40')));
    expect(rowsOf(result)).toEqual([['bob']]);
    const again = await s.execute({ command: { create_dataframe_view: { input: people, name: 'people', is_global: false, replace: false } } });
    expect(decodeError(again.error).info?.metadata['errorClass']).toBe('TEMP_TABLE_OR_VIEW_ALREADY_EXISTS');
    // Views belong to their session.
    const other = h.session();
    expect(decodeError((await other.execute(root(sql('SELECT * FROM people')))).error).info?.metadata['errorClass']).toBe('TABLE_OR_VIEW_NOT_FOUND');
  });

  it('global temp views are shared through global_temp', async () => {
    const s = h.session();
    await s.ok({ command: { create_dataframe_view: { input: people, name: 'everyone', is_global: true, replace: true } } });
    const other = h.session();
    expect(rowsOf(await other.ok(root(sql('SELECT count(*) AS n FROM global_temp.everyone'))))).toEqual([[2]]);
  });
});
