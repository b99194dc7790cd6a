import {
  Binary,
  Bool,
  DateDay,
  Field,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  List,
  Map_,
  Null,
  Schema as ArrowSchema,
  Struct,
  TimeUnit,
  Timestamp,
  Utf8,
  type DataType as ArrowType,
} from 'apache-arrow';
import { assertNever, type DataType } from '../types/data-type.js';
import type { Schema } from '../types/schema.js';

/**
 * Spark's Arrow mapping (ArrowUtils): timestamps are microseconds, zoned by the session time zone;
 * timestamp_ntz has no zone; arrays are `list<element>`, maps `map<entries: struct<key, value>>`.
 */
export function toArrowType(t: DataType, timeZone: string): ArrowType {
  switch (t.kind) {
    case 'null':
      return new Null();
    case 'boolean':
      return new Bool();
    case 'byte':
      return new Int8();
    case 'short':
      return new Int16();
    case 'integer':
      return new Int32();
    case 'long':
      return new Int64();
    case 'float':
      return new Float32();
    case 'double':
      return new Float64();
    case 'string':
      return new Utf8();
    case 'binary':
      return new Binary();
    case 'date':
      return new DateDay();
    case 'timestamp':
      return new Timestamp(TimeUnit.MICROSECOND, timeZone);
    case 'timestamp_ntz':
      return new Timestamp(TimeUnit.MICROSECOND);
    case 'array':
      return new List(new Field('element', toArrowType(t.elementType, timeZone), t.containsNull));
    case 'map': {
      const entries = new Struct([
        new Field('key', toArrowType(t.keyType, timeZone), false),
        new Field('value', toArrowType(t.valueType, timeZone), t.valueContainsNull),
      ]);
      return new Map_(new Field('entries', entries, false), false);
    }
    case 'struct':
      return new Struct(t.fields.map((f) => new Field(f.name, toArrowType(f.type, timeZone), f.nullable)));
    default:
      return assertNever(t);
  }
}

export function toArrowSchema(schema: Schema, timeZone: string): ArrowSchema {
  return new ArrowSchema(schema.fields.map((f) => new Field(f.name, toArrowType(f.type, timeZone), f.nullable)));
}
