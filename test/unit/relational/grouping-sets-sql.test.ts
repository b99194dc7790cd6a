import { describe, expect, it } from 'vitest';
import { parseQueryAst, printQuery } from '../../../engine/sql/index.js';
import { Tables } from './harness.js';

const t = (): Tables =>
  new Tables().add('t', 'a string, b int, x int', [
    ['p', 1, 10],
    ['p', 2, 20],
    ['q', 1, 5],
    [null, 1, 1],
  ]);

const sorted = (rows: unknown[][]): string[] => rows.map((r) => JSON.stringify(r)).sort();

describe('SQL GROUP BY ROLLUP / CUBE / GROUPING SETS', () => {
  it.each([
    'SELECT a, b, sum(x) FROM t GROUP BY ROLLUP(a, b)',
    'SELECT a, count(*) FROM t GROUP BY CUBE(a)',
    'SELECT a, b FROM t GROUP BY GROUPING SETS ((a, b), (a), ())',
  ])('%s prints back to the same tree', (sql) => {
    const ast = parseQueryAst(sql);
    expect(parseQueryAst(printQuery(ast))).toEqual(ast);
  });

  it('ROLLUP adds subtotals and a grand total, grouping columns NULL where rolled up', async () => {
    const r = await t().run('SELECT a, b, sum(x) AS s, grouping(a), grouping_id() FROM t GROUP BY ROLLUP(a, b)');
    expect(r.columns).toEqual(['a', 'b', 's', 'grouping(a)', 'grouping_id()']);
    expect(r.types).toEqual(['string', 'integer', 'long', 'byte not null', 'long']);
    expect(sorted(r.rows)).toEqual(
      sorted([
        ['p', 1, 10, 0, 0],
        ['p', 2, 20, 0, 0],
        ['q', 1, 5, 0, 0],
        [null, 1, 1, 0, 0],
        ['p', null, 30, 0, 1],
        ['q', null, 5, 0, 1],
        [null, null, 1, 0, 1],
        [null, null, 36, 1, 3],
      ]),
    );
  });

  it('WITH ROLLUP is ROLLUP', async () => {
    const a = await t().run('SELECT a, b, sum(x) FROM t GROUP BY a, b WITH ROLLUP');
    const b = await t().run('SELECT a, b, sum(x) FROM t GROUP BY ROLLUP(a, b)');
    expect(a.columns).toEqual(['a', 'b', 'sum(x)']);
    expect(sorted(a.rows)).toEqual(sorted(b.rows));
  });

  it('CUBE groups by every subset; HAVING and expressions over grouping columns see the NULLs', async () => {
    const r = await t().run('SELECT a, b * 10 AS b10, count(*) AS n FROM t GROUP BY CUBE(a, b) HAVING grouping(a) = 1');
    expect(sorted(r.rows)).toEqual(sorted([[null, 10, 3], [null, 20, 1], [null, null, 4]]));
  });

  it('GROUPING SETS with an empty set', async () => {
    const r = await t().run('SELECT a, b, max(x) FROM t GROUP BY GROUPING SETS ((a, b), (a), ())');
    expect(r.rows).toHaveLength(4 + 3 + 1);
    expect(sorted(r.rows.filter((row) => row[1] === null))).toEqual(sorted([['p', null, 20], ['q', null, 5], [null, null, 1], [null, null, 20]]));
  });
});
