import { describe, expect, it } from 'vitest';
import { AnalysisError } from '../../../engine/errors/errors.js';
import { Tables, sorted } from './harness.js';

const tables = (): Tables =>
  new Tables()
    .add('a', 'id int, s string', [[1, 'x'], [2, 'y'], [3, null]])
    .add('b', 'id bigint, t string', [[1, 'p'], [3, 'q'], [4, 'r']]);

describe('joins (answers and columns checked against Spark 4.3)', () => {
  it('USING keeps one key column: the left one, the right one for RIGHT, coalesced for FULL', async () => {
    const t = tables();
    const inner = await t.run('SELECT * FROM a JOIN b USING (id)');
    expect(inner.columns).toEqual(['id', 's', 't']);
    expect(inner.types).toEqual(['integer', 'string', 'string']);
    expect(sorted(inner.rows)).toEqual([[1, 'x', 'p'], [3, null, 'q']]);
    const left = await t.run('SELECT * FROM a LEFT JOIN b USING (id)');
    expect(sorted(left.rows)).toEqual([[1, 'x', 'p'], [2, 'y', null], [3, null, 'q']]);
    const right = await t.run('SELECT * FROM a RIGHT OUTER JOIN b USING (id)');
    expect(right.types[0]).toBe('long');
    expect(sorted(right.rows)).toEqual([[1, 'x', 'p'], [3, null, 'q'], [4, null, 'r']]);
    const full = await t.run('SELECT * FROM a FULL JOIN b USING (id)');
    expect(full.types[0]).toBe('long');
    expect(sorted(full.rows)).toEqual([[1, 'x', 'p'], [2, 'y', null], [3, null, 'q'], [4, null, 'r']]);
  });

  it('ON keeps both sides, semi and anti keep the left, a comma is a cross join', async () => {
    const t = tables();
    const on = await t.run('SELECT * FROM a JOIN b ON a.id = b.id');
    expect(on.columns).toEqual(['id', 's', 'id', 't']);
    expect(sorted(on.rows)).toEqual([[1, 'x', 1, 'p'], [3, null, 3, 'q']]);
    expect(sorted((await t.run('SELECT * FROM a LEFT SEMI JOIN b ON a.id = b.id')).rows)).toEqual([[1, 'x'], [3, null]]);
    expect((await t.run('SELECT * FROM a LEFT ANTI JOIN b ON a.id = b.id')).rows).toEqual([[2, 'y']]);
    expect((await t.run('SELECT * FROM a, b')).rows).toHaveLength(9);
    expect((await t.run('SELECT * FROM a CROSS JOIN b')).rows).toHaveLength(9);
    // Join hints are accepted (a comment to the parser): the plan is the same.
    expect(sorted((await t.run('SELECT /*+ BROADCAST(b) */ a.s FROM a JOIN b ON a.id = b.id')).rows)).toEqual(sorted([[null], ['x']]));
    const residual = await t.run('SELECT a.id, b.id FROM a JOIN b ON a.id < b.id AND b.t <> \'q\'');
    expect(sorted(residual.rows)).toEqual([[1, 4], [2, 4], [3, 4]]);
    const full = await t.run('SELECT a.s, b.t FROM a FULL OUTER JOIN b ON a.id = b.id');
    expect(sorted(full.rows)).toEqual(sorted([[null, 'q'], [null, 'r'], ['x', 'p'], ['y', null]]));
  });

  it('an unqualified duplicate name is AMBIGUOUS_REFERENCE; a bad USING column names its side', async () => {
    const t = tables();
    const err = await t.run('SELECT id FROM a JOIN b ON a.id = b.id').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AnalysisError);
    expect((err as AnalysisError).errorClass).toBe('AMBIGUOUS_REFERENCE');
    const using = await t.run('SELECT * FROM a JOIN b USING (zz)').catch((e: unknown) => e);
    expect((using as AnalysisError).errorClass).toBe('UNRESOLVED_USING_COLUMN_FOR_JOIN');
    expect((using as AnalysisError).message).toContain('USING column `zz` cannot be resolved on the left side of the join. The left-side columns: [`id`, `s`].');
  });

  it('joins 200,000 rows (no argument spreading that overflows the stack)', async () => {
    const t = new Tables()
      .add('f', 'id int, k int', Array.from({ length: 200_000 }, (_, i) => [i, i % 1000]))
      .add('d', 'k int, name string', Array.from({ length: 1000 }, (_, i) => [i, `n${i}`]));
    const r = await t.run('SELECT f.id, d.name FROM f JOIN d ON f.k = d.k');
    expect(r.rows).toHaveLength(200_000);
    expect(r.rows[12_345]).toEqual([12_345, 'n345']);
  });
});
