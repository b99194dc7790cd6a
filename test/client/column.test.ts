import { describe, expect, it } from 'vitest';
import { E } from '../../engine/expr/expr.js';
import { T } from '../../engine/types/data-type.js';
import type { Column } from '../../client/column.js';
import { F, Timestamp } from '../../client/index.js';

const a = F.col('a');
const call = (name: string, ...args: Column['expr'][]): Column['expr'] => E.call(name, args);

describe('Column operators use the names PySpark sends', () => {
  it.each([
    ['plus', '+'],
    ['minus', '-'],
    ['multiply', '*'],
    ['divide', '/'],
    ['mod', '%'],
    ['eq', '=='],
    ['lt', '<'],
    ['le', '<='],
    ['gt', '>'],
    ['ge', '>='],
    ['eqNullSafe', '<=>'],
    ['and', 'and'],
    ['or', 'or'],
    ['contains', 'contains'],
    ['startswith', 'startsWith'],
    ['endswith', 'endsWith'],
    ['pow', 'power'],
    ['bitwiseAND', '&'],
    ['bitwiseOR', '|'],
    ['bitwiseXOR', '^'],
  ] as const)('%s → %s', (method, fn) => {
    expect((a[method] as (o: number) => Column).call(a, 1).expr).toEqual(call(fn, E.col('a'), E.lit(1, T.integer)));
  });

  it('ne is not(==); unary ops; isin, between, like', () => {
    expect(a.ne('x').expr).toEqual(call('not', call('==', E.col('a'), E.lit('x', T.string))));
    expect(a.not().expr).toEqual(call('not', E.col('a')));
    expect(a.negate().expr).toEqual(call('negative', E.col('a')));
    expect(a.isNull().expr).toEqual(call('isNull', E.col('a')));
    expect(a.isNotNull().expr).toEqual(call('isNotNull', E.col('a')));
    expect(a.isin([1, 2]).expr).toEqual(call('in', E.col('a'), E.lit(1, T.integer), E.lit(2, T.integer)));
    expect(a.between(1, 2).expr).toEqual(
      call('and', call('>=', E.col('a'), E.lit(1, T.integer)), call('<=', E.col('a'), E.lit(2, T.integer))),
    );
    expect(a.like('c%').expr).toEqual(call('like', E.col('a'), E.lit('c%', T.string)));
    expect(a.rlike('^c').expr).toEqual(call('rlike', E.col('a'), E.lit('^c', T.string)));
    expect(a.ilike('C%').expr).toEqual(call('ilike', E.col('a'), E.lit('C%', T.string)));
    expect(a.isNaN().expr).toEqual(call('isNaN', E.col('a')));
    // Operators are prototype methods (not per-Column closures) and not enumerable own fields.
    expect(Object.keys(a)).toEqual(['expr']);
    expect(Object.hasOwn(a, 'plus')).toBe(false);
    expect(a.plus).toBe(F.col('b').plus);
    expect(a.substr(1, 3).expr).toEqual(call('substr', E.col('a'), E.lit(1, T.integer), E.lit(3, T.integer)));
  });

  it('literals: int32 → integer, larger → long, fractions → double, Timestamp → timestamp, null → void', () => {
    expect(F.lit(7).expr).toEqual(E.lit(7, T.integer));
    expect(F.lit(2 ** 40).expr).toEqual(E.lit(2 ** 40, T.long));
    expect(F.lit(1.5).expr).toEqual(E.lit(1.5, T.double));
    expect(F.lit(new Timestamp(1_700_000_000_123_456)).expr).toEqual(E.lit(1_700_000_000_123_456, T.timestamp));
    expect(F.lit(null).expr).toEqual(E.lit(null, T.null));
    expect(F.lit([1, 2]).expr).toEqual(call('array', E.lit(1, T.integer), E.lit(2, T.integer)));
  });

  it('alias, cast, sort orders, nested access', () => {
    expect(a.alias('b').expr).toEqual(E.alias(E.col('a'), 'b'));
    expect(a.cast('bigint').expr).toEqual(E.cast(E.col('a'), 'bigint'));
    expect(a.cast(T.string).expr).toEqual(E.cast(E.col('a'), T.string));
    expect(a.desc().expr).toEqual(E.sortOrder(E.col('a'), false, false));
    expect(a.asc_nulls_last().expr).toEqual(E.sortOrder(E.col('a'), true, false));
    expect(a.asc().expr).toEqual(E.sortOrder(E.col('a'), true, true));
    expect(a.asc_nulls_first().expr).toEqual(E.sortOrder(E.col('a'), true, true));
    expect(a.desc_nulls_first().expr).toEqual(E.sortOrder(E.col('a'), false, true));
    expect(a.desc_nulls_last().expr).toEqual(E.sortOrder(E.col('a'), false, false));
    expect(F.col('window').getField('end').expr).toEqual(E.extract(E.col('window'), E.lit('end', T.string)));
  });

  it('when/otherwise is one `when` call with flattened branches; misuse throws', () => {
    const c = F.when(a.gt(1), 'big').when(a.gt(0), 'small').otherwise('none');
    expect(c.expr).toEqual(
      call(
        'when',
        call('>', E.col('a'), E.lit(1, T.integer)),
        E.lit('big', T.string),
        call('>', E.col('a'), E.lit(0, T.integer)),
        E.lit('small', T.string),
        E.lit('none', T.string),
      ),
    );
    expect(() => a.otherwise(1)).toThrow(/otherwise/);
    expect(() => c.when(a, 1)).toThrow(/INVALID_WHEN_USAGE/);
  });
});

describe('functions', () => {
  it('col handles stars; count(col("*")) is count(1); count_distinct is distinct', () => {
    expect(F.col('*').expr).toEqual(E.star());
    expect(F.col('t.*').expr).toEqual(E.star('t'));
    expect(F.count(F.col('*')).expr).toEqual(call('count', E.lit(1, T.integer)));
    expect(F.count('*').expr).toEqual(call('count', E.star()));
    expect(F.countDistinct('a', 'b').expr).toEqual(E.call('count', [E.col('a'), E.col('b')], true));
  });

  it('split always sends its limit; first/last send ignorenulls; round scale only when given', () => {
    expect(F.split('s', ',').expr).toEqual(call('split', E.col('s'), E.lit(',', T.string), E.lit(-1, T.integer)));
    expect(F.split('s', ',', 2).expr).toEqual(call('split', E.col('s'), E.lit(',', T.string), E.lit(2, T.integer)));
    expect(F.first('x').expr).toEqual(call('first', E.col('x'), E.lit(false, T.boolean)));
    expect(F.round('x').expr).toEqual(call('round', E.col('x')));
    expect(F.round('x', 2).expr).toEqual(call('round', E.col('x'), E.lit(2, T.integer)));
    expect(F.concat_ws('-', 'a', 'b').expr).toEqual(call('concat_ws', E.lit('-', T.string), E.col('a'), E.col('b')));
    expect(F.log('x').expr).toEqual(call('ln', E.col('x')));
    expect(F.pow('x', 2).expr).toEqual(call('power', E.col('x'), E.lit(2, T.integer)));
    expect(F.expr('a + 1').expr).toEqual(E.exprString('a + 1'));
    expect(F.mean('x').expr).toEqual(call('avg', E.col('x')));
  });
});
