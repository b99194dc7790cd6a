import { describe, expect, it } from 'vitest';
import { B } from '../../../engine/expr/bound-expr.js';
import { prettyAggregateName, prettyName } from '../../../engine/expr/pretty-name.js';
import { defaultRegistry } from '../../../engine/functions/builtin/index.js';
import { T, WINDOW_TYPE } from '../../../engine/types/data-type.js';
import { bool, call, dbl, int, lit, str, table } from './support.js';

/** Expected names are the column names Spark 4 gives to unaliased expressions. */
describe('prettyName', () => {
  const { ref } = table({
    a: [T.integer, []],
    d: [T.double, []],
    s: [T.string, []],
    b: [T.boolean, []],
    value: [T.string, []],
    window: [WINDOW_TYPE, []],
  });
  const a = ref('a');
  const d = ref('d');
  const s = ref('s');
  const name = (e: Parameters<typeof prettyName>[0]) => prettyName(e, defaultRegistry);

  it('names references, literals and field access', () => {
    expect(name(a)).toBe('a');
    expect(name(str('x'))).toBe('x');
    expect(name(int(-1))).toBe('-1');
    expect(name(dbl(1))).toBe('1.0');
    expect(name(dbl(1.5))).toBe('1.5');
    expect(name(dbl(1e10))).toBe('1.0E10');
    expect(name(dbl(1e7))).toBe('1.0E7');
    expect(name(dbl(0.0001))).toBe('1.0E-4');
    expect(name(lit(null, T.null))).toBe('NULL');
    expect(name(bool(true))).toBe('true');
    expect(name(B.getField(ref('window'), 1, 'end', T.timestamp))).toBe('window.end');
    expect(name(lit(18262, T.date))).toBe("DATE '2020-01-01'");
  });

  it('names operators with their SQL shape', () => {
    expect(name(call('+', [a, int(1)]))).toBe('(a + 1)');
    expect(name(call('==', [a, int(1)]))).toBe('(a = 1)');
    expect(name(call('not', [call('==', [a, int(1)])]))).toBe('(NOT (a = 1))');
    expect(name(call('!=', [a, int(1)]))).toBe('(NOT (a = 1))');
    expect(name(call('negative', [a]))).toBe('(- a)');
    expect(name(call('positive', [a]))).toBe('(+ a)');
    expect(name(call('isNull', [a]))).toBe('(a IS NULL)');
    expect(name(call('isNotNull', [a]))).toBe('(a IS NOT NULL)');
    expect(name(call('in', [a, int(1), int(2)]))).toBe('(a IN (1, 2))');
    expect(name(call('and', [call('>=', [a, int(1)]), call('<=', [a, int(2)])]))).toBe('((a >= 1) AND (a <= 2))');
    expect(name(call('<=>', [a, int(1)]))).toBe('(a <=> 1)');
    expect(name(call('&', [a, int(1)]))).toBe('(a & 1)');
    expect(name(call('%', [a, int(2)]))).toBe('(a % 2)');
    expect(name(call('div', [a, int(2)]))).toBe('(a div 2)');
    expect(name(call('/', [a, int(2)]))).toBe('(a / 2)');
    expect(name(call('~', [a]))).toBe('~a');
    expect(name(call('between', [a, int(1), int(2)]))).toBe('between(a, 1, 2)');
  });

  it('hides casts added by type coercion', () => {
    expect(name(call('==', [str('1'), int(1)]))).toBe('(1 = 1)');
    expect(name(call('+', [str('1'), int(1)]))).toBe('(1 + 1)');
    expect(name(B.cast(a, T.long))).toBe('CAST(a AS BIGINT)');
    expect(name(B.cast(lit(null, T.null), T.integer))).toBe('CAST(NULL AS INT)');
    expect(name(B.cast(s, T.integer, 'try'))).toBe('TRY_CAST(s AS INT)');
    expect(name(B.cast(a, T.long, 'ansi', true))).toBe('a');
  });

  it('names string predicates and pattern matching as Spark', () => {
    expect(name(call('contains', [s, str('a')]))).toBe('contains(s, a)');
    expect(name(call('startsWith', [s, str('a')]))).toBe('startswith(s, a)');
    expect(name(call('endsWith', [s, str('a')]))).toBe('endswith(s, a)');
    expect(name(call('like', [s, str('%a')]))).toBe('s LIKE %a');
    expect(name(call('rlike', [s, str('a.*')]))).toBe('RLIKE(s, a.*)');
    expect(name(call('ilike', [s, str('%a')]))).toBe('ilike(s, %a)');
  });

  it('names functions, with the defaults Spark fills in', () => {
    expect(name(call('split', [ref('value'), str(' '), int(-1)]))).toBe('split(value,  , -1)');
    expect(name(call('lower', [s]))).toBe('lower(s)');
    expect(name(call('substr', [s, int(1), int(2)]))).toBe('substr(s, 1, 2)');
    expect(name(call('substring', [s, int(1)]))).toBe('substring(s, 1, 2147483647)');
    expect(name(call('when', [call('>', [a, int(1)]), int(1), int(0)]))).toBe('CASE WHEN (a > 1) THEN 1 ELSE 0 END');
    expect(name(call('when', [call('>', [a, int(1)]), int(1)]))).toBe('CASE WHEN (a > 1) THEN 1 END');
    expect(name(call('if', [call('>', [a, int(1)]), int(1), int(0)]))).toBe('(IF((a > 1), 1, 0))');
    expect(name(call('coalesce', [a, int(0)]))).toBe('coalesce(a, 0)');
    expect(name(call('current_timestamp', []))).toBe('current_timestamp()');
    expect(name(call('now', []))).toBe('now()');
    expect(name(call('struct', [a, s]))).toBe('struct(a, s)');
    expect(name(call('concat_ws', [str(','), s, s]))).toBe('concat_ws(,, s, s)');
    expect(name(call('trim', [s]))).toBe('trim(s)');
    expect(name(call('trim', [s, str('x')]))).toBe('TRIM(BOTH x FROM s)');
    expect(name(call('regexp_replace', [s, str('a'), str('b')]))).toBe('regexp_replace(s, a, b, 1)');
    expect(name(call('locate', [str('a'), s]))).toBe('locate(a, s, 1)');
    expect(name(call('sort_array', [call('array', [a])]))).toBe('sort_array(array(a), true)');
    expect(name(call('unix_timestamp', []))).toBe('unix_timestamp(current_timestamp(), yyyy-MM-dd HH:mm:ss)');
    expect(name(call('date_format', [call('current_timestamp', []), str('yyyy')]))).toBe('date_format(current_timestamp(), yyyy)');
  });

  it('names math functions in Spark case', () => {
    expect(name(call('sqrt', [a]))).toBe('SQRT(a)');
    expect(name(call('power', [a, int(2)]))).toBe('POWER(a, 2)');
    expect(name(call('pow', [a, int(2)]))).toBe('pow(a, 2)');
    expect(name(call('round', [d]))).toBe('round(d, 0)');
    expect(name(call('ceil', [d]))).toBe('CEIL(d)');
    expect(name(call('ceiling', [d]))).toBe('ceiling(d)');
    expect(name(call('floor', [d]))).toBe('FLOOR(d)');
    expect(name(call('ln', [d]))).toBe('ln(d)');
    expect(name(call('log', [dbl(10), d]))).toBe('LOG(10.0, d)');
    expect(name(call('log', [d]))).toBe('LOG(E(), d)');
    expect(name(call('log10', [d]))).toBe('LOG10(d)');
    expect(name(call('signum', [d]))).toBe('SIGNUM(d)');
    expect(name(call('sign', [d]))).toBe('sign(d)');
    expect(name(call('abs', [a]))).toBe('abs(a)');
    expect(name(call('nanvl', [d, dbl(0)]))).toBe('nanvl(d, 0.0)');
  });

  it('names aggregates', () => {
    expect(prettyAggregateName('count', ['1'], false)).toBe('count(1)');
    expect(prettyAggregateName('count', ['a'], true, defaultRegistry)).toBe('count(DISTINCT a)');
    expect(prettyAggregateName('count_distinct', ['a', 'b'], false, defaultRegistry)).toBe('count(DISTINCT a, b)');
    expect(prettyAggregateName('mean', ['a'], false, defaultRegistry)).toBe('mean(a)');
    expect(prettyAggregateName('sum', ['x'], false)).toBe('sum(x)');
  });
});
