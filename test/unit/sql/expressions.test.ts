import { describe, expect, it } from 'vitest';
import { E, type Expr } from '../../../engine/expr/expr.js';
import { parseExpression, parseExpressionAst, printAst } from '../../../engine/sql/index.js';
import { T } from '../../../engine/types/data-type.js';

const c = (n: string) => E.col(n);
const i = (v: number) => E.lit(v, T.integer);
const call = (name: string, ...args: Expr[]) => E.call(name, args);

/** Canonical (fully parenthesized) text: a compact way to state how an expression groups. */
const grouping = (sql: string) => printAst(parseExpressionAst(sql));

describe('precedence', () => {
  it.each([
    ['1 + 2 * 3', '(1 + (2 * 3))'],
    ['1 * 2 + 3', '((1 * 2) + 3)'],
    ['a - b - c', '((a - b) - c)'],
    ['a / b % c DIV d', '(((a / b) % c) DIV d)'],
    ['1 + 2 || 3', '((1 + 2) || 3)'],
    ['a | b ^ c & d', '(a | (b ^ (c & d)))'],
    ['a & b + c', '(a & (b + c))'],
    ['a = 1 | 2', '(a = (1 | 2))'],
    ['a < b < c', '((a < b) < c)'],
    ['a = b = c', '((a = b) = c)'],
    ['a OR b AND c', '(a OR (b AND c))'],
    ['a AND b OR c', '((a AND b) OR c)'],
    ['NOT a = b', '(NOT (a = b))'],
    ['NOT a AND b', '((NOT a) AND b)'],
    ['NOT NOT a', '(NOT (NOT a))'],
    ['a = b IS NULL', '((a = b) IS NULL)'],
    ['a BETWEEN 1 AND 2 AND c', '((a BETWEEN 1 AND 2) AND c)'],
    ['a NOT BETWEEN b + 1 AND c * 2', '(a NOT BETWEEN (b + 1) AND (c * 2))'],
    ['a + 1 IN (1, 2) OR b', '(((a + 1) IN (1, 2)) OR b)'],
    ['- 1 * 2', '(-1 * 2)'],
    ['-a * b', '((- a) * b)'],
    ['-a.b', '(- a.b)'],
    ['~a + b', '((~ a) + b)'],
    ['- -a', '(- (- a))'],
    ['2 - -1', '(2 - -1)'],
    ['-1::string', 'CAST(-1 AS STRING)'],
    ['a.b[0].c', 'a.b[0].c'],
    ['(a + b) * c', '((a + b) * c)'],
    ["x LIKE 'a%' AND y RLIKE 'b'", "((x LIKE 'a%') AND (y RLIKE 'b'))"],
  ])('%s', (sql, expected) => {
    expect(grouping(sql)).toBe(expected);
  });
});

describe('operators become calls by name', () => {
  it.each<[string, Expr]>([
    ['a = 1', call('==', c('a'), i(1))],
    ['a == 1', call('==', c('a'), i(1))],
    ['a <> 1', call('!=', c('a'), i(1))],
    ['a != 1', call('!=', c('a'), i(1))],
    ['a <=> 1', call('<=>', c('a'), i(1))],
    ['a < 1', call('<', c('a'), i(1))],
    ['a <= 1', call('<=', c('a'), i(1))],
    ['a > 1', call('>', c('a'), i(1))],
    ['a >= 1', call('>=', c('a'), i(1))],
    ['a AND b', call('and', c('a'), c('b'))],
    ['a OR b', call('or', c('a'), c('b'))],
    ['NOT a', call('not', c('a'))],
    ['!a', call('not', c('a'))],
    ['a + b', call('+', c('a'), c('b'))],
    ['a - b', call('-', c('a'), c('b'))],
    ['a * b', call('*', c('a'), c('b'))],
    ['a / b', call('/', c('a'), c('b'))],
    ['a % b', call('%', c('a'), c('b'))],
    ['a DIV b', call('div', c('a'), c('b'))],
    ['-a', call('negative', c('a'))],
    ['+a', call('positive', c('a'))],
    ['~a', call('~', c('a'))],
    ["a || 'x'", call('concat', c('a'), E.lit('x', T.string))],
    ['a & b', call('&', c('a'), c('b'))],
    ['a | b', call('|', c('a'), c('b'))],
    ['a ^ b', call('^', c('a'), c('b'))],
    ['a IS NULL', call('isnull', c('a'))],
    ['a IS NOT NULL', call('isnotnull', c('a'))],
    ['a IS TRUE', call('<=>', c('a'), E.lit(true, T.boolean))],
    ['a IS NOT FALSE', call('not', call('<=>', c('a'), E.lit(false, T.boolean)))],
    ['a IS DISTINCT FROM b', call('not', call('<=>', c('a'), c('b')))],
    ['a IS NOT DISTINCT FROM b', call('<=>', c('a'), c('b'))],
    ['a IN (1, 2)', call('in', c('a'), i(1), i(2))],
    ['a NOT IN (1)', call('not', call('in', c('a'), i(1)))],
    ['a BETWEEN 1 AND 2', call('between', c('a'), i(1), i(2))],
    ['a NOT BETWEEN 1 AND 2', call('not', call('between', c('a'), i(1), i(2)))],
    ["a LIKE 'x%'", call('like', c('a'), E.lit('x%', T.string))],
    ["a NOT LIKE 'x!%' ESCAPE '!'", call('not', call('like', c('a'), E.lit('x!%', T.string), E.lit('!', T.string)))],
    ["a ILIKE 'x'", call('ilike', c('a'), E.lit('x', T.string))],
    ["a RLIKE '^x'", call('rlike', c('a'), E.lit('^x', T.string))],
    ["a REGEXP '^x'", call('rlike', c('a'), E.lit('^x', T.string))],
    ["a NOT RLIKE '^x'", call('not', call('rlike', c('a'), E.lit('^x', T.string)))],
  ])('%s', (sql, expected) => {
    expect(parseExpression(sql)).toEqual(expected);
  });
});

describe('primaries', () => {
  it.each<[string, Expr]>([
    ['count(*)', call('count', i(1))],
    ['COUNT(*)', call('count', i(1))],
    ['count(DISTINCT a, b)', E.call('count', [c('a'), c('b')], true)],
    ['sum(ALL a)', call('sum', c('a'))],
    ['struct(*)', call('struct', E.star())],
    ['current_timestamp()', call('current_timestamp')],
    ['current_timestamp', call('current_timestamp')],
    ['CURRENT_DATE', call('current_date')],
    ['Split(line, " ")', call('split', c('line'), E.lit(' ', T.string))],
    ['`my func`(1)', call('my func', i(1))],
    ['left(a, 2)', call('left', c('a'), i(2))],
    ['CAST(a AS bigint)', E.cast(c('a'), T.long)],
    ['TRY_CAST(a AS int)', E.cast(c('a'), T.integer, 'try')],
    ['a::array<string>', E.cast(c('a'), T.array(T.string))],
    ['CASE WHEN a > 1 THEN 1 WHEN a > 0 THEN 0 ELSE -1 END', call('when', call('>', c('a'), i(1)), i(1), call('>', c('a'), i(0)), i(0), i(-1))],
    ['CASE WHEN a THEN 1 END', call('when', c('a'), i(1))],
    ["CASE a WHEN 1 THEN 'x' ELSE 'y' END", call('when', call('==', c('a'), i(1)), E.lit('x', T.string), E.lit('y', T.string))],
    ['window.end', c('window.end')],
    ['`cats per minute`', c('cats per minute')],
    ['`a.b`.c', c('`a.b`.c')],
    ['`we``ird`', c('`we``ird`')],
    ['(a).b', c('a.b')],
    ['a[0]', E.extract(c('a'), i(0))],
    ["m['k']", E.extract(c('m'), E.lit('k', T.string))],
    ['f(x).b', E.extract(call('f', c('x')), E.lit('b', T.string))],
    ['a[0].b', E.extract(E.extract(c('a'), i(0)), E.lit('b', T.string))],
    ['*', E.star()],
    ['t.*', E.star('t')],
    ['window.*', E.star('window')],
    ['(1, a)', call('struct', i(1), c('a'))],
    ["INTERVAL '5' SECOND", E.lit('5 seconds', T.string)],
    ['INTERVAL 5 SECONDS', E.lit('5 seconds', T.string)],
    ["INTERVAL '10 minutes'", E.lit('10 minutes', T.string)],
    ['interval 1 hour 30 minutes', E.lit('1 hours 30 minutes', T.string)],
    ["TIMESTAMP '2024-01-01 10:00:00'", { ...E.cast(E.lit('2024-01-01 10:00:00', T.string), T.timestamp), typedLiteral: true }],
    ["DATE '2024-01-01'", { ...E.cast(E.lit('2024-01-01', T.string), T.date), typedLiteral: true }],
    ["TIMESTAMP_NTZ '2024-01-01'", { ...E.cast(E.lit('2024-01-01', T.string), T.timestamp_ntz), typedLiteral: true }],
    ["X'0aFF'", E.lit(new Uint8Array([10, 255]), T.binary)],
    ['transform(xs, x -> x + 1)', call('transform', c('xs'), E.lambda(['x'], call('+', E.lambdaVariable('x'), i(1))))],
    [
      'aggregate(xs, 0, (acc, x) -> acc + x.v)',
      call(
        'aggregate',
        c('xs'),
        i(0),
        E.lambda(['acc', 'x'], call('+', E.lambdaVariable('acc'), E.extract(E.lambdaVariable('x'), E.lit('v', T.string)))),
      ),
    ],
  ])('%s', (sql, expected) => {
    expect(parseExpression(sql)).toEqual(expected);
  });

  it('wraps a top-level alias', () => {
    expect(parseExpression('a + 1 AS b')).toEqual(E.alias(call('+', c('a'), i(1)), 'b'));
    expect(parseExpression('a b')).toEqual(E.alias(c('a'), 'b'));
    expect(parseExpression('inline(xs) AS (p, q)')).toEqual(E.alias(call('inline', c('xs')), 'p', 'q'));
  });
});

describe('literals', () => {
  it.each<[string, Expr]>([
    ['1', i(1)],
    ['-1', i(-1)],
    ['2147483647', i(2147483647)],
    ['-2147483648', i(-2147483648)],
    ['2147483648', E.lit(2147483648, T.long)],
    ['10L', E.lit(10, T.long)],
    ['10S', E.lit(10, T.short)],
    ['10Y', E.lit(10, T.byte)],
    ['1.5', E.lit(1.5, T.double)],
    ['.5', E.lit(0.5, T.double)],
    ['1.', E.lit(1, T.double)],
    ['1e3', E.lit(1000, T.double)],
    ['1.5E-2', E.lit(0.015, T.double)],
    ['2D', E.lit(2, T.double)],
    ['2.5BD', E.lit(2.5, T.double)],
    ['1.5F', E.lit(1.5, T.float)],
    ['123456789012345678901234567890', E.lit(1.2345678901234568e29, T.double)],
    ["'it''s'", E.lit('its', T.string)],
    ["'a' \"b\" 'c'", E.lit('abc', T.string)],
    ["'don\\'t'", E.lit("don't", T.string)],
    ["'a\\tb\\n'", E.lit('a\tb\n', T.string)],
    ["'\\u0041\\101\\Z'", E.lit('AA\u001a', T.string)],
    ["'50\\%'", E.lit('50\\%', T.string)],
    ["r'\\d+'", E.lit('\\d+', T.string)],
    ['TRUE', E.lit(true, T.boolean)],
    ['false', E.lit(false, T.boolean)],
    ['NULL', E.lit(null, T.null)],
  ])('%s', (sql, expected) => {
    expect(parseExpression(sql)).toEqual(expected);
  });

  it('reads words that start with digits as identifiers', () => {
    expect(parseExpression('1a')).toEqual(c('1a'));
  });
});

describe('parameters in expressions', () => {
  it('substitutes from the arguments', () => {
    expect(parseExpression('a > :lo', { namedArgs: { lo: i(5) } })).toEqual(call('>', c('a'), i(5)));
    expect(parseExpression('a BETWEEN ? AND ?', { posArgs: [i(1), i(2)] })).toEqual(call('between', c('a'), i(1), i(2)));
  });
});

describe('comments and whitespace', () => {
  it('ignores line and nested block comments', () => {
    expect(parseExpression('a /* one /* two */ still */ + -- trailing\n 1')).toEqual(call('+', c('a'), i(1)));
  });
});
