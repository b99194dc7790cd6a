import { describe, expect, it } from 'vitest';
import { AnalysisError } from '../../../engine/errors/errors.js';
import { Tables } from './harness.js';

const t = (): Tables => new Tables().add('t', 'g string, v int', [['x', 1], ['x', 2], ['y', 3]]);

// Names, rows and the error recorded from Spark 4.3.0.
describe('named windows (OVER w ... WINDOW w AS (...))', () => {
  it('gives each OVER w the WINDOW clause specification, named as if written inline', async () => {
    const r = await t().run('SELECT g, row_number() OVER w FROM t WINDOW w AS (ORDER BY v) ORDER BY v DESC');
    expect(r.columns).toEqual(['g', 'row_number() OVER (ORDER BY v ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)']);
    expect(r.rows).toEqual([['y', 3], ['x', 2], ['x', 1]]);
  });

  it('one window used twice, and several windows', async () => {
    const r = await t().run('SELECT g, v, sum(v) OVER w AS s, rank() OVER w FROM t WINDOW w AS (PARTITION BY g ORDER BY v DESC)');
    expect(r.columns).toEqual(['g', 'v', 's', 'RANK() OVER (PARTITION BY g ORDER BY v DESC NULLS LAST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)']);
    expect(r.rows.map((x) => JSON.stringify(x)).sort()).toEqual([['x', 1, 3, 2], ['x', 2, 2, 1], ['y', 3, 3, 1]].map((x) => JSON.stringify(x)));
    const two = await t().run('SELECT g, v, sum(v) OVER w AS s, rank() OVER w2 AS r FROM t WINDOW w AS (PARTITION BY g), w2 AS (PARTITION BY g ORDER BY v DESC) ORDER BY v');
    expect(two.rows).toEqual([['x', 1, 3, 2], ['x', 2, 3, 1], ['y', 3, 3, 1]]);
  });

  it('an undefined name is MISSING_WINDOW_SPECIFICATION', async () => {
    const e = await t().run('SELECT sum(v) OVER w FROM t').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AnalysisError);
    expect((e as AnalysisError).errorClass).toBe('MISSING_WINDOW_SPECIFICATION');
  });
});
