import { describe, expect, it } from 'vitest';
import {
  decodeDataType,
  decodeDataTypeOrString,
  decodeExpression,
  encodeDataType,
  encodeExpression,
  type DataTypeMsg,
  type DataTypeProto,
  type ExpressionMsg,
  type ExpressionProto,
} from '../../../engine/connect/index.js';
import { AnalysisError, NotSupportedError } from '../../../engine/errors/errors.js';
import { E, type Expr } from '../../../engine/expr/expr.js';
import { T, WINDOW_TYPE, type DataType } from '../../../engine/types/data-type.js';
import { loadSparkConnect } from '../../../proto/load.js';

const proto = loadSparkConnect().spark.connect;

function wireExpr(e: ExpressionProto): ExpressionMsg {
  return proto.Expression.deserialize(proto.Expression.serialize(e));
}

function wireType(t: DataTypeProto): DataTypeMsg {
  return proto.DataType.deserialize(proto.DataType.serialize(t));
}

function roundTrip(e: Expr): Expr {
  return decodeExpression(wireExpr(encodeExpression(e)));
}

describe('literal round trips', () => {
  const cases: Record<string, Expr> = {
    string: E.lit('héllo', T.string),
    'empty string': E.lit('', T.string),
    integer: E.lit(-1, T.integer),
    long: E.lit(2 ** 40, T.long),
    'negative long': E.lit(-(2 ** 53 - 1), T.long),
    short: E.lit(-300, T.short),
    byte: E.lit(7, T.byte),
    double: E.lit(1.25, T.double),
    float: E.lit(0.5, T.float),
    'boolean false': E.lit(false, T.boolean),
    date: E.lit(19723, T.date),
    timestamp: E.lit(1_704_067_200_123_456, T.timestamp),
    timestamp_ntz: E.lit(-1, T.timestamp_ntz),
    binary: E.lit(new Uint8Array([0, 1, 255]), T.binary),
    'typed null': E.lit(null, T.long),
    'null of null type': E.lit(null, T.null),
    array: E.lit(['a', null, 'b'], T.array(T.string)),
    'empty array': E.lit([], T.array(T.long)),
    map: E.lit(new Map<unknown, unknown>([['a', 1], ['b', null]]), T.map(T.string, T.long)),
    struct: E.lit([0, 60_000_000], WINDOW_TYPE),
    'nested array of structs': E.lit([[1, ['x']]], T.array(T.struct([T.field('n', T.integer), T.field('tags', T.array(T.string))]))),
  };
  for (const [name, e] of Object.entries(cases)) {
    it(name, () => expect(roundTrip(e)).toEqual(e));
  }

  it('reads specialized arrays', () => {
    expect(decodeExpression(wireExpr({ literal: { specialized_array: { longs: { values: ['1', '-2'] } } } }))).toEqual(
      E.lit([1, -2], T.array(T.long, false)),
    );
    expect(decodeExpression(wireExpr({ literal: { specialized_array: { strings: { values: ['a'] } } } }))).toEqual(
      E.lit(['a'], T.array(T.string, false)),
    );
    expect(decodeExpression(wireExpr({ literal: { specialized_array: { doubles: { values: [0.5] } } } }))).toEqual(
      E.lit([0.5], T.array(T.double, false)),
    );
  });

  it('infers array and struct types when the client leaves them out', () => {
    expect(decodeExpression(wireExpr({ literal: { array: { elements: [{ integer: 1 }, { integer: 2 }] } } }))).toEqual(
      E.lit([1, 2], T.array(T.integer)),
    );
    expect(decodeExpression(wireExpr({ literal: { struct: { elements: [{ string: 'a' }, { long: '5' }] } } }))).toEqual(
      E.lit(['a', 5], T.struct([T.field('col1', T.string), T.field('col2', T.long)])),
    );
  });

  it('names literal kinds without a Kindling type', () => {
    expect(() => decodeExpression(wireExpr({ literal: { decimal: { value: '1.5' } } }))).toThrow("Literal type 'decimal' is not supported by Kindling.");
    expect(() => decodeExpression(wireExpr({ literal: { calendar_interval: { months: 1 } } }))).toThrow(/'calendar_interval'/);
    expect(() => decodeExpression(wireExpr({ literal: { day_time_interval: '5' } }))).toThrow(NotSupportedError);
    expect(() => decodeExpression(wireExpr({ literal: {} }))).toThrow(/LITERALTYPE_NOT_SET/);
  });
});

describe('expression round trips', () => {
  const value = E.col('value', 0);
  const cases: Record<string, Expr> = {
    'column with plan id': value,
    'dotted column': E.col('window.end'),
    'function call': E.call('split', [value, E.lit(' ', T.string), E.lit(-1, T.integer)]),
    'distinct call': E.call('count', [E.col('word')], true),
    'expression string': E.exprString('length(value) > 3'),
    star: E.star(),
    'star with target and plan id': E.star('window.*', 3),
    alias: E.alias(E.call('explode', [value]), 'word'),
    'multi-name alias': E.alias(E.call('posexplode', [value]), 'pos', 'v'),
    'alias with metadata': Object.freeze({ ...E.alias(value, 'v'), metadata: { 'spark.watermarkDelayMs': 5000 } }),
    'cast to type': E.cast(value, T.long),
    'cast to type string, ansi': E.cast(value, 'struct<a:int>', 'ansi'),
    'try cast': E.cast(value, T.array(T.string), 'try'),
    'sort order': E.sortOrder(E.col('n'), false, true),
    'extract value': E.extract(E.col('window'), E.lit('end', T.string)),
    lambda: E.lambda(['x', 'y'], E.call('+', [E.lambdaVariable('x'), E.lambdaVariable('y')])),
  };
  for (const [name, e] of Object.entries(cases)) {
    it(name, () => expect(roundTrip(e)).toEqual(e));
  }

  it('reads call_function, unparsed cast types and cast type strings', () => {
    expect(decodeExpression(wireExpr({ call_function: { function_name: 'abs', arguments: [{ literal: { integer: -1 } }] } }))).toEqual(
      E.call('abs', [E.lit(-1, T.integer)]),
    );
    const attr = { unresolved_attribute: { unparsed_identifier: 'a' } };
    expect(decodeExpression(wireExpr({ cast: { expr: attr, type: { unparsed: { data_type_string: 'bigint' } } } }))).toEqual(
      E.cast(E.col('a'), 'bigint'),
    );
    expect(decodeExpression(wireExpr({ cast: { expr: attr, type_str: 'int', eval_mode: 'EVAL_MODE_LEGACY' } }))).toEqual(
      E.cast(E.col('a'), 'int', 'legacy'),
    );
  });

  it('defaults sort order null ordering like Spark (nulls first ascending, last descending)', () => {
    const child = { unresolved_attribute: { unparsed_identifier: 'n' } };
    expect(decodeExpression(wireExpr({ sort_order: { child, direction: 'SORT_DIRECTION_ASCENDING' } }))).toEqual(
      E.sortOrder(E.col('n'), true, true),
    );
    expect(decodeExpression(wireExpr({ sort_order: { child, direction: 'SORT_DIRECTION_DESCENDING' } }))).toEqual(
      E.sortOrder(E.col('n'), false, false),
    );
  });

  it('ignores the client origin (common, field 18)', () => {
    const e = wireExpr({
      common: { origin: { python_origin: { fragment: 'alias', call_site: '<stdin>:1' } } },
      alias: { expr: { unresolved_attribute: { unparsed_identifier: 'v', is_metadata_column: false } }, name: ['w'] },
    });
    expect(decodeExpression(e)).toEqual(E.alias(E.col('v'), 'w'));
  });

  it('names unsupported expression kinds', () => {
    expect(() => decodeExpression(wireExpr({ update_fields: {} }))).toThrow("Expression type 'update_fields' is not supported by Kindling.");
    expect(() => decodeExpression(wireExpr({ unresolved_regex: {} }))).toThrow(/'unresolved_regex'/);
    expect(() => decodeExpression(wireExpr({ common_inline_user_defined_function: {} }))).toThrow(NotSupportedError);
    expect(() => decodeExpression(wireExpr({}))).toThrow(/EXPRTYPE_NOT_SET/);
  });

  it('rejects malformed expressions', () => {
    expect(() => decodeExpression(wireExpr({ alias: { name: ['x'] } }))).toThrow(AnalysisError);
    expect(() => decodeExpression(wireExpr({ alias: { expr: { literal: { integer: 1 } } } }))).toThrow('An alias has no name.');
    expect(() => decodeExpression(wireExpr({ cast: { expr: { literal: { integer: 1 } } } }))).toThrow('A cast has no target type.');
    expect(() => decodeExpression(wireExpr({ lambda_function: { function: { literal: { integer: 1 } } } }))).toThrow(/1 ~ 3 arguments/);
  });
});

describe('data type round trips', () => {
  const types: Record<string, DataType> = {
    null: T.null,
    boolean: T.boolean,
    byte: T.byte,
    short: T.short,
    integer: T.integer,
    long: T.long,
    float: T.float,
    double: T.double,
    string: T.string,
    binary: T.binary,
    date: T.date,
    timestamp: T.timestamp,
    timestamp_ntz: T.timestamp_ntz,
    'array without nulls': T.array(T.long, false),
    map: T.map(T.string, T.array(T.double), false),
    'struct with metadata and not-null field': T.struct([
      T.field('window', WINDOW_TYPE, false),
      T.field('word', T.string, true, { comment: 'x' }),
      T.field('count', T.long, false),
    ]),
  };
  for (const [name, t] of Object.entries(types)) {
    it(name, () => expect(decodeDataType(wireType(encodeDataType(t)))).toEqual(t));
  }

  it('writes every kind message even when empty, and string collation empty', () => {
    const bytes = proto.DataType.serialize(encodeDataType(T.long));
    expect([...bytes]).toEqual([0x3a, 0x00]);
    expect(wireType(encodeDataType(T.string)).string?.collation).toBe('');
  });

  it('accepts any string collation', () => {
    expect(decodeDataType(wireType({ string: { collation: 'UTF8_LCASE' } }))).toEqual(T.string);
  });

  it('keeps unparsed types as strings where allowed, names unsupported kinds', () => {
    expect(decodeDataTypeOrString(wireType({ unparsed: { data_type_string: 'map<string,int>' } }))).toBe('map<string,int>');
    expect(decodeDataTypeOrString(wireType({ long: {} }))).toEqual(T.long);
    expect(() => decodeDataType(wireType({ decimal: {} }))).toThrow("Data type 'decimal' is not supported by Kindling.");
    expect(() => decodeDataType(wireType({ variant: {} }))).toThrow(/'variant'/);
    expect(() => decodeDataType(wireType({ struct: { fields: [{ name: 'a', data_type: { unparsed: { data_type_string: 'int' } } }] } }))).toThrow(
      NotSupportedError,
    );
    expect(() => decodeDataType(wireType({}))).toThrow(/KIND_NOT_SET/);
  });
});
