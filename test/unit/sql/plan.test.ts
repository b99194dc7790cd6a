import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../engine/errors/errors.js';
import { E } from '../../../engine/expr/expr.js';
import type { LogicalPlan } from '../../../engine/plan/logical-plan.js';
import { parseSql } from '../../../engine/sql/index.js';
import { T } from '../../../engine/types/data-type.js';

const table = (name: string): LogicalPlan => ({
  kind: 'read',
  source: { type: 'namedTable', name, options: {} },
  isStreaming: false,
});
const oneRow: LogicalPlan = { kind: 'range', start: 0, end: 1, step: 1 };
const int = (v: number) => E.lit(v, T.integer);
const errorOf = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
};

describe('the notebook queries', () => {
  it('SELECT * FROM wordcounts', () => {
    expect(parseSql('SELECT * FROM wordcounts')).toEqual({
      kind: 'project',
      input: table('wordcounts'),
      exprs: [E.star()],
    });
  });

  it('SELECT window.end, * FROM wordcounts', () => {
    expect(parseSql('SELECT window.end, * FROM wordcounts')).toEqual({
      kind: 'project',
      input: table('wordcounts'),
      exprs: [E.col('window.end'), E.star()],
    });
  });

  it('produces frozen plans', () => {
    const plan = parseSql('SELECT * FROM wordcounts');
    expect(Object.isFrozen(plan)).toBe(true);
  });
});

describe('clauses', () => {
  it('maps every clause of a grouped query', () => {
    const sql = 'SELECT word, count(*) AS c FROM t WHERE len > 1 GROUP BY word HAVING count(*) > 2 ORDER BY c DESC LIMIT 5';
    const count = E.call('count', [int(1)]);
    expect(parseSql(sql)).toEqual({
      kind: 'limit',
      limit: 5,
      input: {
        kind: 'sort',
        isGlobal: true,
        order: [E.sortOrder(E.col('c'), false, false)],
        input: {
          kind: 'aggregate',
          groupType: 'groupby',
          grouping: [E.col('word')],
          aggregates: [E.col('word'), E.alias(count, 'c')],
          having: E.call('>', [count, int(2)]),
          selectList: true,
          input: { kind: 'filter', condition: E.call('>', [E.col('len'), int(1)]), input: table('t') },
        },
      },
    });
  });

  it('keeps aggregate functions without GROUP BY in a project', () => {
    expect(parseSql('SELECT count(*) FROM t')).toEqual({ kind: 'project', input: table('t'), exprs: [E.call('count', [int(1)])] });
  });

  it('aggregates with no grouping for HAVING without GROUP BY', () => {
    expect(parseSql('SELECT a FROM t HAVING a > 1')).toEqual({
      kind: 'aggregate',
      groupType: 'groupby',
      grouping: [],
      aggregates: [E.col('a')],
      having: E.call('>', [E.col('a'), int(1)]),
      selectList: true,
      input: table('t'),
    });
  });

  it('puts OFFSET under LIMIT, as Spark does', () => {
    expect(parseSql('SELECT a FROM t LIMIT 5 OFFSET 2')).toEqual({
      kind: 'limit',
      limit: 5,
      input: { kind: 'offset', offset: 2, input: { kind: 'project', input: table('t'), exprs: [E.col('a')] } },
    });
  });

  it('treats LIMIT ALL as no limit', () => {
    expect(parseSql('SELECT a FROM t LIMIT ALL')).toEqual({ kind: 'project', input: table('t'), exprs: [E.col('a')] });
  });

  it('deduplicates SELECT DISTINCT', () => {
    expect(parseSql('SELECT DISTINCT a FROM t')).toEqual({
      kind: 'deduplicate',
      allColumns: true,
      columnNames: [],
      input: { kind: 'project', input: table('t'), exprs: [E.col('a')] },
    });
  });

  it('reads a one-row range when there is no FROM', () => {
    expect(parseSql('SELECT 1 AS one;')).toEqual({ kind: 'project', input: oneRow, exprs: [E.alias(int(1), 'one')] });
  });

  it('sorts with Spark default null ordering', () => {
    const plan = parseSql('SELECT a FROM t ORDER BY a, b DESC, c ASC NULLS LAST, d DESC NULLS FIRST');
    expect(plan.kind === 'sort' && plan.order).toEqual([
      E.sortOrder(E.col('a'), true, true),
      E.sortOrder(E.col('b'), false, false),
      E.sortOrder(E.col('c'), true, false),
      E.sortOrder(E.col('d'), false, true),
    ]);
  });
});

describe('relations', () => {
  it('aliases tables, with or without AS', () => {
    const expected = { kind: 'project', input: { kind: 'subqueryAlias', alias: 'x', input: table('db.t') }, exprs: [E.star('x')] };
    expect(parseSql('SELECT x.* FROM db.t AS x')).toEqual(expected);
    expect(parseSql('SELECT x.* FROM db.t x')).toEqual(expected);
  });

  it('keeps back-quoted table names readable as one part', () => {
    expect(parseSql('SELECT * FROM `my table`')).toEqual({ kind: 'project', input: table('my table'), exprs: [E.star()] });
    expect(parseSql('SELECT * FROM `a.b`.c')).toEqual({ kind: 'project', input: table('`a.b`.c'), exprs: [E.star()] });
  });

  it('nests subqueries', () => {
    const inner = { kind: 'project', input: table('t'), exprs: [E.col('a')] };
    expect(parseSql('SELECT a FROM (SELECT a FROM t) AS s')).toEqual({
      kind: 'project',
      input: { kind: 'subqueryAlias', alias: 's', input: inner },
      exprs: [E.col('a')],
    });
    expect(parseSql('SELECT a FROM (SELECT a FROM t)')).toEqual({ kind: 'project', input: inner, exprs: [E.col('a')] });
  });

  it('unions, deduplicating without ALL', () => {
    const left = { kind: 'project', input: table('t'), exprs: [E.col('a')] };
    const right = { kind: 'project', input: table('u'), exprs: [E.col('b')] };
    const union = { kind: 'union', inputs: [left, right], byName: false, allowMissingColumns: false };
    expect(parseSql('SELECT a FROM t UNION ALL SELECT b FROM u')).toEqual(union);
    expect(parseSql('SELECT a FROM t UNION SELECT b FROM u')).toEqual({
      kind: 'deduplicate',
      allColumns: true,
      columnNames: [],
      input: union,
    });
  });

  it('applies ORDER BY and LIMIT to the whole union', () => {
    const plan = parseSql('SELECT a FROM t UNION ALL (SELECT b FROM u) ORDER BY a LIMIT 3');
    expect(plan.kind).toBe('limit');
    const sort = plan.kind === 'limit' ? plan.input : plan;
    expect(sort.kind === 'sort' && sort.input.kind).toBe('union');
  });

  it('maps VALUES to an inline table: rows of expressions, named col1.. or by the alias column list', () => {
    expect(parseSql("SELECT * FROM VALUES (1, 'a'), (2, 'b') AS t(n, s)")).toEqual({
      kind: 'project',
      input: {
        kind: 'subqueryAlias',
        alias: 't',
        input: {
          kind: 'inlineTable',
          rows: [
            [int(1), E.lit('a', T.string)],
            [int(2), E.lit('b', T.string)],
          ],
          columnNames: ['n', 's'],
        },
      },
      exprs: [E.star()],
    });
    // A parenthesized expression that is not a row, a bare value, and a VALUES query.
    expect(parseSql('VALUES (1 + 2) * 3, 4')).toEqual({
      kind: 'project',
      input: { kind: 'inlineTable', rows: [[E.call('*', [E.call('+', [int(1), int(2)]), int(3)])], [int(4)]], columnNames: ['col1'] },
      exprs: [E.star()],
    });
    // A table named `values` is still a table.
    expect(parseSql('SELECT * FROM values v')).toEqual({
      kind: 'project',
      input: { kind: 'subqueryAlias', alias: 'v', input: table('values') },
      exprs: [E.star()],
    });
  });

  it('renames a subquery’s columns with AS s(a, b)', () => {
    expect(parseSql('SELECT x FROM (SELECT 1 AS one) AS s(x)')).toEqual({
      kind: 'project',
      input: { kind: 'subqueryAlias', alias: 's', input: { kind: 'toDF', input: expect.anything(), columnNames: ['x'] } },
      exprs: [E.col('x')],
    });
  });

  it('an inline table row with the wrong width is INVALID_INLINE_TABLE.NUM_COLUMNS_MISMATCH (a ParseError)', () => {
    const e = errorOf(() => parseSql('SELECT * FROM VALUES (1, 2) AS t(v, w, x)'));
    expect(e).toBeInstanceOf(ParseError);
    expect((e as ParseError).errorClass).toBe('INVALID_INLINE_TABLE.NUM_COLUMNS_MISMATCH');
    expect((e as ParseError).messageParameters).toEqual({ expectedNumCols: '3', actualNumCols: '2', rowIndex: '0' });
  });

  it('maps range() to a range relation', () => {
    expect(parseSql('SELECT id FROM range(10)')).toEqual({
      kind: 'project',
      input: { kind: 'range', start: 0, end: 10, step: 1 },
      exprs: [E.col('id')],
    });
    expect(parseSql('SELECT * FROM range(5, -5, -2, 3) r')).toEqual({
      kind: 'project',
      input: { kind: 'subqueryAlias', alias: 'r', input: { kind: 'range', start: 5, end: -5, step: -2, numPartitions: 3 } },
      exprs: [E.star()],
    });
  });

  it('inlines WITH definitions where they are used', () => {
    const cte = { kind: 'project', input: table('t'), exprs: [E.col('a')] };
    expect(parseSql('WITH c AS (SELECT a FROM t) SELECT * FROM c')).toEqual({
      kind: 'project',
      input: { kind: 'subqueryAlias', alias: 'c', input: cte },
      exprs: [E.star()],
    });
    expect(parseSql('WITH c (x) AS (SELECT a FROM t), d AS (SELECT x FROM c) SELECT * FROM d AS e')).toEqual({
      kind: 'project',
      input: {
        kind: 'subqueryAlias',
        alias: 'e',
        input: {
          kind: 'project',
          input: { kind: 'subqueryAlias', alias: 'c', input: { kind: 'toDF', columnNames: ['x'], input: cte } },
          exprs: [E.col('x')],
        },
      },
      exprs: [E.star()],
    });
  });
});

describe('keywords as names', () => {
  it('parses keyword column names', () => {
    expect(parseSql('SELECT word, count FROM t')).toEqual({ kind: 'project', input: table('t'), exprs: [E.col('word'), E.col('count')] });
    const plan = parseSql('SELECT window, timestamp, value, end, start, date, `from` FROM t');
    expect(plan.kind === 'project' && plan.exprs).toEqual(
      ['window', 'timestamp', 'value', 'end', 'start', 'date', 'from'].map((n) => E.col(n)),
    );
  });

  it('takes aliases with or without AS, back-quoted or not', () => {
    const plan = parseSql('SELECT count(*) AS `cats per minute`, a b, c AS from, d `e f` FROM t');
    expect(plan.kind === 'project' && plan.exprs).toEqual([
      E.alias(E.call('count', [int(1)]), 'cats per minute'),
      E.alias(E.col('a'), 'b'),
      E.alias(E.col('c'), 'from'),
      E.alias(E.col('d'), 'e f'),
    ]);
  });

  it('keeps multi-name aliases for generators', () => {
    const plan = parseSql('SELECT posexplode(xs) AS (p, v) FROM t');
    expect(plan.kind === 'project' && plan.exprs).toEqual([E.alias(E.call('posexplode', [E.col('xs')]), 'p', 'v')]);
  });
});

describe('parameters', () => {
  it('substitutes named and positional arguments', () => {
    const named = parseSql('SELECT * FROM t WHERE a > :min LIMIT :n', {
      namedArgs: { min: int(3), n: int(7) },
    });
    expect(named).toEqual({
      kind: 'limit',
      limit: 7,
      input: { kind: 'project', exprs: [E.star()], input: { kind: 'filter', input: table('t'), condition: E.call('>', [E.col('a'), int(3)]) } },
    });
    const positional = parseSql('SELECT ?, ?', { posArgs: [int(1), E.lit('x', T.string)] });
    expect(positional).toEqual({ kind: 'project', input: oneRow, exprs: [int(1), E.lit('x', T.string)] });
  });
});
