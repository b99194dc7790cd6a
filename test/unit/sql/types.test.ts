import { describe, expect, it } from 'vitest';
import { IllegalArgumentError } from '../../../engine/errors/errors.js';
import { T, type DataType } from '../../../engine/types/data-type.js';
import { parseDataType, parseSchema } from '../../../engine/sql/data-type-parser.js';
import { dataTypeToSql, schemaToDdl } from '../../../engine/types/type-sql.js';
import {
  dataTypeFromJson,
  dataTypeToJson,
  dataTypeToJsonString,
  parseDataTypeJson,
} from '../../../engine/types/type-json.js';

describe('parseDataType', () => {
  it.each<[string, DataType]>([
    ['int', T.integer],
    ['INTEGER', T.integer],
    ['bigint', T.long],
    ['long', T.long],
    ['string', T.string],
    ['double', T.double],
    ['timestamp', T.timestamp],
    ['timestamp_ltz', T.timestamp],
    ['timestamp_ntz', T.timestamp_ntz],
    ['date', T.date],
    ['boolean', T.boolean],
    ['binary', T.binary],
    ['tinyint', T.byte],
    ['byte', T.byte],
    ['smallint', T.short],
    ['short', T.short],
    ['float', T.float],
    ['real', T.float],
    ['void', T.null],
    ['decimal', T.double],
    ['decimal(10,2)', T.double],
    ['numeric(5)', T.double],
    ['varchar(10)', T.string],
    ['char(3)', T.string],
    ['string collate UTF8_BINARY', T.string],
    ['array<string>', T.array(T.string)],
    ['array<array<int>>', T.array(T.array(T.integer))],
    ['map<string,int>', T.map(T.string, T.integer)],
    ['map<string, array<bigint>>', T.map(T.string, T.array(T.long))],
    ['struct<>', T.struct([])],
    ['struct< >', T.struct([])],
    ['struct<a:int,b string not null>', T.struct([T.field('a', T.integer), T.field('b', T.string, false)])],
    [
      "struct<`a b`: int COMMENT 'x', end: struct<start:timestamp>>",
      T.struct([T.field('a b', T.integer, true, { comment: 'x' }), T.field('end', T.struct([T.field('start', T.timestamp)]))]),
    ],
    ['  Array < Int >  ', T.array(T.integer)],
  ])('%j', (text, expected) => {
    expect(parseDataType(text)).toEqual(expected);
  });
});

describe('parseSchema', () => {
  it('reads DDL column lists', () => {
    expect(parseSchema('a INT, b STRING NOT NULL')).toEqual(
      T.struct([T.field('a', T.integer), T.field('b', T.string, false)]),
    );
    expect(parseSchema("a INT COMMENT 'hello', `b c` map<string,int>")).toEqual(
      T.struct([T.field('a', T.integer, true, { comment: 'hello' }), T.field('b c', T.map(T.string, T.integer))]),
    );
  });

  it('reads struct types and colon-separated fields', () => {
    const expected = T.struct([T.field('a', T.integer), T.field('b', T.string)]);
    expect(parseSchema('struct<a:int,b:string>')).toEqual(expected);
    expect(parseSchema('a: int, b: string')).toEqual(expected);
  });

  it("reads Spark's JSON schema", () => {
    const json =
      '{"type":"struct","fields":[{"name":"word","type":"string","nullable":true,"metadata":{}},{"name":"ts","type":"timestamp","nullable":false,"metadata":{"spark.watermarkDelayMs":5000}}]}';
    expect(parseSchema(json)).toEqual(
      T.struct([T.field('word', T.string), T.field('ts', T.timestamp, false, { 'spark.watermarkDelayMs': 5000 })]),
    );
  });

  it('treats a blank schema as no columns', () => {
    expect(parseSchema('  ')).toEqual(T.struct([]));
  });

  it('prints DDL that reads back', () => {
    const schema = T.struct([
      T.field('a', T.integer),
      T.field('b c', T.array(T.string), false),
      T.field('m', T.map(T.string, T.struct([T.field('x', T.double)])), true, { comment: "it's" }),
    ]);
    const ddl = schemaToDdl(schema);
    expect(ddl).toBe("a INT, `b c` ARRAY<STRING> NOT NULL, m MAP<STRING, STRUCT<x: DOUBLE>> COMMENT 'it\\'s'");
    expect(parseSchema(ddl)).toEqual(schema);
  });
});

describe('dataTypeToSql', () => {
  it("prints Spark's SQL type names", () => {
    expect(dataTypeToSql(T.long)).toBe('BIGINT');
    expect(dataTypeToSql(T.byte)).toBe('TINYINT');
    expect(dataTypeToSql(T.null)).toBe('VOID');
    expect(dataTypeToSql(T.struct([T.field('start', T.timestamp), T.field('1', T.integer, false)]))).toBe(
      'STRUCT<start: TIMESTAMP, `1`: INT NOT NULL>',
    );
  });
});

describe('JSON types', () => {
  // Expected texts are Spark 4.0.1's DataType.json for the same types.
  it.each<[DataType, string]>([
    [T.integer, '"integer"'],
    [T.long, '"long"'],
    [T.null, '"void"'],
    [T.timestamp_ntz, '"timestamp_ntz"'],
    [
      T.struct([T.field('a', T.integer), T.field('b', T.string, false)]),
      '{"type":"struct","fields":[{"name":"a","type":"integer","nullable":true,"metadata":{}},{"name":"b","type":"string","nullable":false,"metadata":{}}]}',
    ],
    [T.struct([]), '{"type":"struct","fields":[]}'],
    [
      T.array(T.array(T.integer)),
      '{"type":"array","elementType":{"type":"array","elementType":"integer","containsNull":true},"containsNull":true}',
    ],
    [
      T.struct([T.field('a', T.integer, true, { comment: 'hello' }), T.field('b c', T.map(T.string, T.integer))]),
      '{"type":"struct","fields":[{"name":"a","type":"integer","nullable":true,"metadata":{"comment":"hello"}},{"name":"b c","type":{"type":"map","keyType":"string","valueType":"integer","valueContainsNull":true},"nullable":true,"metadata":{}}]}',
    ],
  ])('%j', (type, json) => {
    expect(dataTypeToJsonString(type)).toBe(json);
    expect(parseDataTypeJson(json)).toEqual(type);
  });

  it('round-trips every type', () => {
    const all: DataType[] = [
      T.null, T.boolean, T.byte, T.short, T.integer, T.long, T.float, T.double, T.string, T.binary, T.date,
      T.timestamp, T.timestamp_ntz, T.array(T.string, false), T.map(T.string, T.long, false),
      T.struct([T.field('window', T.struct([T.field('start', T.timestamp), T.field('end', T.timestamp)]), false)]),
    ];
    for (const t of all) expect(dataTypeFromJson(dataTypeToJson(t))).toEqual(t);
  });

  it('maps types Kindling lacks to the nearest one', () => {
    expect(dataTypeFromJson('decimal(10,2)')).toEqual(T.double);
    expect(dataTypeFromJson('varchar(10)')).toEqual(T.string);
    expect(dataTypeFromJson({ type: 'udt', class: 'x', sqlType: 'double' })).toEqual(T.double);
  });

  it('rejects unknown types with INVALID_JSON_DATA_TYPE', () => {
    let err: unknown;
    try {
      dataTypeFromJson('interval');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(IllegalArgumentError);
    expect((err as IllegalArgumentError).message).toBe(
      "[INVALID_JSON_DATA_TYPE] Failed to convert the JSON string 'interval' to a data type. Please enter a valid data type. SQLSTATE: 2203G",
    );
  });
});
