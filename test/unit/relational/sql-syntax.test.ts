import { describe, expect, it } from 'vitest';
import { parseQueryAst, printQuery } from '../../../engine/sql/index.js';
import { parseStatement } from '../../../engine/sql/statement.js';
import { Tables } from './harness.js';

describe('JOIN and OVER syntax', () => {
  it.each([
    'SELECT * FROM a JOIN b ON a.x = b.x',
    'SELECT * FROM a LEFT OUTER JOIN b USING (x, y)',
    'SELECT * FROM a LEFT SEMI JOIN b ON a.x = b.x RIGHT JOIN c ON c.z = a.x',
    'SELECT * FROM a, b CROSS JOIN c',
    'SELECT rank() OVER (PARTITION BY g ORDER BY v DESC NULLS LAST ROWS BETWEEN 1 PRECEDING AND UNBOUNDED FOLLOWING) FROM t',
    'SELECT sum(v) OVER (ORDER BY v RANGE CURRENT ROW) FROM t',
  ])('%s prints back to a query that parses to the same tree', (sql) => {
    const ast = parseQueryAst(sql);
    expect(parseQueryAst(printQuery(ast))).toEqual(ast);
  });

  it('parses the catalog statements spark.sql runs', () => {
    expect(parseStatement('CREATE OR REPLACE TEMP VIEW v AS SELECT 1 AS one;')).toEqual({
      kind: 'createView',
      name: 'v',
      replace: true,
      global: false,
      ifNotExists: false,
      columns: [],
      query: 'SELECT 1 AS one',
    });
    expect(parseStatement('DROP VIEW IF EXISTS global_temp.v')).toEqual({ kind: 'dropView', name: ['global_temp', 'v'], ifExists: true });
    expect(parseStatement("SHOW TABLES LIKE 'word*'")).toEqual({ kind: 'showTables', pattern: 'word*' });
    expect(parseStatement('SELECT 1')).toBeUndefined();
  });

  it('a join of three relations and a window over the joined rows', async () => {
    const t = new Tables()
      .add('a', 'id int, g string', [[1, 'x'], [2, 'x'], [3, 'y']])
      .add('b', 'id int, v int', [[1, 10], [2, 20], [3, 30]])
      .add('c', 'g string, label string', [['x', 'ex'], ['y', 'why']]);
    const r = await t.run(
      'SELECT a.id, c.label, sum(b.v) OVER (PARTITION BY a.g ORDER BY a.id) AS running FROM a JOIN b ON a.id = b.id JOIN c USING (g) ORDER BY id',
    );
    expect(r.rows).toEqual([
      [1, 'ex', 10],
      [2, 'ex', 30],
      [3, 'why', 30],
    ]);
  });
});
