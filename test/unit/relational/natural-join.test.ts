import { describe, expect, it } from 'vitest';
import { parseQueryAst, printQuery } from '../../../engine/sql/index.js';
import { Tables } from './harness.js';

const t = (): Tables =>
  new Tables()
    .add('l', 'id int, k string, v int', [[1, 'a', 10], [2, 'b', 20], [3, 'c', 30]])
    .add('r', 'ID int, k string, w string', [[1, 'a', 'x'], [2, 'z', 'y'], [4, 'd', 'w']])
    .add('o', 'q int', [[7]]);

// Columns and rows recorded from Spark 4.3.0.
describe('NATURAL JOIN', () => {
  it('prints back to the same tree', () => {
    const ast = parseQueryAst('SELECT * FROM l NATURAL LEFT JOIN r');
    expect(parseQueryAst(printQuery(ast))).toEqual(ast);
  });

  it('joins USING the columns both sides have (case-insensitive, the left side names them)', async () => {
    const r = await t().run('SELECT * FROM l NATURAL JOIN r');
    expect(r.columns).toEqual(['id', 'k', 'v', 'w']);
    expect(r.rows).toEqual([[1, 'a', 10, 'x']]);
  });

  it('outer natural joins, and none in common is a cross join', async () => {
    expect((await t().run('SELECT * FROM l NATURAL LEFT JOIN r ORDER BY id')).rows).toEqual([
      [1, 'a', 10, 'x'],
      [2, 'b', 20, null],
      [3, 'c', 30, null],
    ]);
    const full = await t().run('SELECT * FROM l NATURAL FULL OUTER JOIN r ORDER BY id');
    expect(full.rows).toEqual([
      [1, 'a', 10, 'x'],
      [2, 'b', 20, null],
      [2, 'z', null, 'y'],
      [3, 'c', 30, null],
      [4, 'd', null, 'w'],
    ]);
    const cross = await t().run('SELECT * FROM l NATURAL JOIN o ORDER BY id');
    expect(cross.columns).toEqual(['id', 'k', 'v', 'q']);
    expect(cross.rows).toEqual([[1, 'a', 10, 7], [2, 'b', 20, 7], [3, 'c', 30, 7]]);
  });
});
