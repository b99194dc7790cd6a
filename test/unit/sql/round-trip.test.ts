import { describe, expect, it } from 'vitest';
import { E } from '../../../engine/expr/expr.js';
import { parseExpressionAst, parseQueryAst, parseSql, printAst } from '../../../engine/sql/index.js';
import { T } from '../../../engine/types/data-type.js';

const QUERIES = [
  'SELECT * FROM wordcounts',
  'SELECT window.end, * FROM wordcounts',
  'SELECT word, count(*) AS c FROM t WHERE len > 1 GROUP BY word HAVING count(*) > 2 ORDER BY c DESC LIMIT 5',
  'select distinct a, b from db.t as x where x.a is not null',
  'SELECT ALL a FROM t LIMIT 10 OFFSET 5;',
  'SELECT 1',
  'SELECT `cats per minute`, `we``ird` AS `x y` FROM `my table` `t 2`',
  'SELECT a FROM (SELECT a FROM t) s ORDER BY a NULLS LAST, b DESC NULLS FIRST',
  'SELECT a FROM t UNION SELECT b FROM u UNION ALL (SELECT c FROM v ORDER BY c LIMIT 1) ORDER BY 1',
  'WITH c (x, y) AS (SELECT a, b FROM t), d AS (SELECT * FROM c) SELECT x FROM d',
  'SELECT id FROM range(0, 10, 2) AS r',
  'SELECT window, timestamp, value, end, start, date, count FROM t',
  'SELECT posexplode(xs) AS (p, v) FROM t',
  'SELECT :name, ? FROM t',
  'SELECT a FROM t GROUP BY a HAVING sum(b) > 0',
  "SELECT window(ts, '10 minutes', '5 minutes') AS w, count(1) FROM t GROUP BY window(ts, '10 minutes', '5 minutes')",
  "SELECT split(lower(line), ' ') AS words FROM lines WHERE length(line) BETWEEN 1 AND 100",
  "SELECT * FROM VALUES (1, 'a'), (2, NULL) AS t(n, s)",
  'SELECT v FROM VALUES 1, -2, (3 + 4) * 5 t',
  'VALUES (1), (2)',
  'SELECT * FROM (VALUES (1), (2)) AS t(v)',
  'SELECT x FROM (SELECT 1) AS s(x)',
];

const EXPRESSIONS = [
  '1 + 2 * 3 - -4 / 5 % 6 DIV 7',
  'a | b ^ c & d || e',
  'NOT a = b AND c <> d OR e != f AND g <=> h',
  'a < b AND b <= c AND c > d AND d >= e AND e == f',
  'a IS NULL OR b IS NOT NULL OR c IS TRUE OR d IS NOT FALSE OR e IS UNKNOWN',
  'a IS DISTINCT FROM b AND c IS NOT DISTINCT FROM d',
  "a IN (1, 2, 3) AND b NOT IN ('x') AND c BETWEEN 1 AND 2 AND d NOT BETWEEN 3 AND 4",
  "a LIKE 'x%' AND b NOT LIKE 'y!_' ESCAPE '!' AND c ILIKE 'z' AND d RLIKE '^a' AND e NOT REGEXP 'b$'",
  'count(*)',
  'count(DISTINCT a, b)',
  'f()',
  '`my func`(a)',
  'CAST(a AS BIGINT) + TRY_CAST(b AS STRUCT<x: INT, `y z`: ARRAY<STRING> NOT NULL>) + c::map<string,int>',
  'CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END',
  "CASE x WHEN 1 THEN 'one' END",
  'a[0][1].b.c',
  'f(x).y',
  "m['key']",
  '-a.b',
  '-(1)',
  '- -1',
  '~a',
  '+a',
  "TIMESTAMP '2024-01-01 10:00:00' < DATE '2024-01-02'",
  "TIMESTAMP_NTZ '2024-01-01'",
  "X'0A1B'",
  "INTERVAL '5' SECOND",
  'INTERVAL 1 HOUR 30 MINUTES',
  "'a\\'b\\\\c\\n\\t\\u0001'",
  "'50\\%'",
  '1L + 2S + 3Y + 4.5 + 6e7 + 8D + 9.5F + 1.2BD + 2147483648',
  '1e300 * 1.5e-300',
  'NULL',
  'TRUE AND FALSE',
  '*',
  't.*',
  '`a.b`.*',
  '(1, a)',
  'current_timestamp',
  'transform(xs, x -> x + 1)',
  'aggregate(xs, 0, (acc, x) -> acc + x)',
  ':p + ?',
  'a + 1 AS b',
  'a b',
  'inline(xs) AS (p, q)',
  '`select`',
  'f(`end`, `from`, `case`)',
];

function roundTrip(parse: (s: string) => object, text: string): void {
  const ast = parse(text);
  const printed = printAst(ast as Parameters<typeof printAst>[0]);
  const again = parse(printed);
  expect(again).toEqual(ast);
  expect(printAst(again as Parameters<typeof printAst>[0])).toBe(printed);
}

describe('parse → print → parse gives the same tree', () => {
  it.each(QUERIES)('query %s', (sql) => roundTrip(parseQueryAst, sql));
  it.each(EXPRESSIONS)('expression %s', (sql) => roundTrip(parseExpressionAst, sql));

  it('gives the same plan', () => {
    const args = { namedArgs: { name: E.lit('n', T.string) }, posArgs: [E.lit(1, T.integer)] };
    for (const sql of QUERIES) {
      expect(parseSql(printAst(parseQueryAst(sql)), args)).toEqual(parseSql(sql, args));
    }
  });
});

describe('canonical text', () => {
  it.each([
    ['select a from t where x=1', 'SELECT a FROM t WHERE (x = 1)'],
    ['SELECT window.end, * FROM wordcounts', 'SELECT `window`.`end`, * FROM wordcounts'],
    ['select count(*) c from t group by a order by c desc', 'SELECT count(*) AS c FROM t GROUP BY a ORDER BY c DESC NULLS LAST'],
    ['SELECT a FROM t UNION ALL SELECT b FROM u', 'SELECT a FROM t UNION ALL SELECT b FROM u'],
    ["SELECT 'it''s', x::int, a REGEXP 'b'", "SELECT 'its', CAST(x AS INT), (a RLIKE 'b')"],
    ['SELECT -(1), -1, 1.0, 10L', 'SELECT (- (1)), -1, 1D, 10L'],
    ['SELECT interval 5 seconds', "SELECT INTERVAL '5 seconds'"],
  ])('%s', (sql, expected) => {
    expect(printAst(parseQueryAst(sql))).toBe(expected);
  });
});

describe('round trip on generated expressions', () => {
  it('holds for every generated expression that parses', () => {
    const vocabulary = [
      'a', 'b.c', '`d e`', '1', '-2', '3.5', "'s'", 'NULL', 'TRUE', '+', '-', '*', '/', '=', '<=>', 'AND', 'OR',
      'NOT', '(', ')', ',', 'IS', 'NULL', 'IN', 'BETWEEN', 'LIKE', 'f(', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END',
      '::int', '[0]', '.x', '||', '~', 'DIV', 'count(*)', 'INTERVAL 1 SECOND',
    ];
    let seed = 7;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed;
    };
    let parsed = 0;
    for (let n = 0; n < 5000; n++) {
      const length = 1 + (next() % 9);
      const words: string[] = [];
      for (let k = 0; k < length; k++) words.push(vocabulary[next() % vocabulary.length] as string);
      let ast;
      try {
        ast = parseExpressionAst(words.join(' '));
      } catch {
        continue;
      }
      parsed++;
      const printed = printAst(ast);
      expect(parseExpressionAst(printed), printed).toEqual(ast);
    }
    expect(parsed).toBeGreaterThan(200);
  });
});
