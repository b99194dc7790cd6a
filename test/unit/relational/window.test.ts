import { describe, expect, it } from 'vitest';
import type { AnalysisError } from '../../../engine/errors/errors.js';
import { Tables, sorted } from './harness.js';

const t = (): Tables =>
  new Tables().add('t', 'g int, k string, v double', [
    [1, 'a', 10.0],
    [1, 'b', 20.0],
    [2, 'c', null],
    [2, 'd', 5.0],
    [2, 'e', 5.0],
  ]);

describe('window functions (answers and names checked against Spark 4.3)', () => {
  it('row_number with Spark default frame in its name', async () => {
    const r = await t().run('SELECT g, k, v, row_number() OVER (PARTITION BY g ORDER BY v DESC) AS rn FROM t ORDER BY g, rn');
    expect(r.rows).toEqual([
      [1, 'b', 20, 1],
      [1, 'a', 10, 2],
      [2, 'd', 5, 1],
      [2, 'e', 5, 2],
      [2, 'c', null, 3],
    ]);
    const named = await t().run('SELECT row_number() OVER (PARTITION BY g ORDER BY v DESC) FROM t');
    expect(named.columns).toEqual(['row_number() OVER (PARTITION BY g ORDER BY v DESC NULLS LAST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)']);
    expect(named.types).toEqual(['integer not null']);
  });

  it('rank, dense_rank, percent_rank, ntile, cume_dist', async () => {
    const r = await t().run(
      'SELECT k, rank() OVER (PARTITION BY g ORDER BY v), dense_rank() OVER (PARTITION BY g ORDER BY v), percent_rank() OVER (PARTITION BY g ORDER BY v), ntile(2) OVER (PARTITION BY g ORDER BY v), cume_dist() OVER (PARTITION BY g ORDER BY v) FROM t',
    );
    expect(r.columns[1]).toBe('RANK() OVER (PARTITION BY g ORDER BY v ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)');
    expect(r.columns[5]).toBe('cume_dist() OVER (PARTITION BY g ORDER BY v ASC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)');
    expect(sorted(r.rows)).toEqual(
      sorted([
        ['a', 1, 1, 0, 1, 0.5],
        ['b', 2, 2, 1, 2, 1],
        ['c', 1, 1, 0, 1, 1 / 3],
        ['d', 2, 2, 0.5, 1, 1],
        ['e', 2, 2, 0.5, 2, 1],
      ]),
    );
  });

  it('lag, lead, first_value, last_value and aggregates over frames', async () => {
    const r = await t().run(
      "SELECT k, lag(v) OVER (ORDER BY k), lead(v, 2, 0.0) OVER (ORDER BY k), first_value(v) OVER (ORDER BY k), last_value(v, true) OVER (ORDER BY k), sum(v) OVER (PARTITION BY g ORDER BY v ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING), count(*) OVER (), sum(v) OVER (ORDER BY v RANGE BETWEEN 5 PRECEDING AND 5 FOLLOWING) FROM t",
    );
    expect(r.columns.slice(1, 3)).toEqual([
      'lag(v, 1, NULL) OVER (ORDER BY k ASC NULLS FIRST ROWS BETWEEN -1 FOLLOWING AND -1 FOLLOWING)',
      'lead(v, 2, 0.0) OVER (ORDER BY k ASC NULLS FIRST ROWS BETWEEN 2 FOLLOWING AND 2 FOLLOWING)',
    ]);
    expect(r.columns[5]).toBe('sum(v) OVER (PARTITION BY g ORDER BY v ASC NULLS FIRST ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING)');
    expect(r.columns[6]).toBe('count(1) OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)');
    expect(sorted(r.rows)).toEqual(
      sorted([
        ['a', null, null, 10, 10, 30, 5, 20],
        ['b', 10, 5, 10, 20, 30, 5, 20],
        ['c', 20, 5, 10, 20, 5, 5, null],
        ['d', null, 0, 10, 5, 10, 5, 20],
        ['e', 5, 0, 10, 5, 10, 5, 20],
      ]),
    );
  });

  it('a window over an aggregation: the aggregation first, then the window over its rows', async () => {
    const r = await t().run('SELECT g, count(*) AS c, rank() OVER (ORDER BY count(*) DESC) FROM t GROUP BY g');
    expect(r.columns).toEqual(['g', 'c', 'RANK() OVER (ORDER BY count(1) DESC NULLS LAST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)']);
    expect(sorted(r.rows)).toEqual([
      [1, 2, 2],
      [2, 3, 1],
    ]);
    const top = await t().run('SELECT g, sum(v) AS total, row_number() OVER (ORDER BY sum(v) DESC) AS rn FROM t GROUP BY g HAVING count(*) > 1 ORDER BY rn');
    expect(top.rows).toEqual([
      [1, 30, 1],
      [2, 10, 2],
    ]);
  });

  it('Spark errors: ranking without ORDER BY, a non-window function under OVER', async () => {
    const e1 = await t().run('SELECT row_number() OVER (PARTITION BY g) FROM t').catch((e: unknown) => e);
    expect((e1 as AnalysisError).errorClass).toBe('WINDOW_FUNCTION_FRAME_NOT_ORDERED');
    const e2 = await t().run('SELECT upper(k) OVER (PARTITION BY g) FROM t').catch((e: unknown) => e);
    expect((e2 as AnalysisError).errorClass).toBe('UNSUPPORTED_EXPR_FOR_WINDOW');
  });
});
