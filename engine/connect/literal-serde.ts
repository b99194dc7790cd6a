import { E, type Literal } from '../expr/expr.js';
import { T, type DataType } from '../types/data-type.js';
import { decodeDataType, encodeDataType } from './data-type-serde.js';
import { invalidPlan, oneofCase, oneofNotSet, toNumber, unsupportedKind } from './plan-errors.js';
import type { LiteralMsg, LiteralProto } from './wire-types.js';

interface Typed {
  readonly value: unknown;
  readonly type: DataType;
}

/**
 * The numeric types, by how the literal message carries them: a proto number, or a 64-bit integer
 * that proto-loader gives and takes as a decimal string (longs=String). One table for both directions.
 */
const NUMERIC_WIRE = {
  byte: 'number',
  short: 'number',
  integer: 'number',
  float: 'number',
  double: 'number',
  date: 'number',
  long: 'int64',
  timestamp: 'int64',
  timestamp_ntz: 'int64',
} as const;
type NumericKind = keyof typeof NUMERIC_WIRE;

function isNumericKind(kind: string): kind is NumericKind {
  return Object.hasOwn(NUMERIC_WIRE, kind);
}

function isNumericType(type: DataType): type is Extract<DataType, { kind: NumericKind }> {
  return isNumericKind(type.kind);
}

/** A Spark Connect literal as our literal (values in the engine's representation, see data-type.ts). */
export function decodeLiteral(msg: LiteralMsg): Literal {
  const { value, type } = decodeTyped(msg);
  return E.lit(value, type);
}

function decodeTyped(msg: LiteralMsg): Typed {
  const kind = oneofCase(msg, 'literal_type', ['data_type']);
  const declared = msg.data_type ? decodeDataType(msg.data_type) : undefined;
  if (kind !== undefined && isNumericKind(kind)) {
    const v = msg[kind];
    return { value: NUMERIC_WIRE[kind] === 'number' ? Number(v ?? 0) : toNumber(v), type: T[kind] };
  }
  switch (kind) {
    case undefined:
      throw oneofNotSet('spark.connect.Expression.Literal', 'literal_type');
    case 'null':
      return { value: null, type: msg.null ? decodeDataType(msg.null) : (declared ?? T.null) };
    case 'binary':
      return { value: Uint8Array.from(msg.binary ?? []), type: T.binary };
    case 'boolean':
      return { value: msg.boolean ?? false, type: T.boolean };
    case 'string':
      return { value: msg.string ?? '', type: T.string };
    case 'array':
      return decodeArray(msg.array?.elements ?? [], declared ?? arrayTypeOf(msg.array?.element_type));
    case 'map':
      return decodeMap(msg, declared);
    case 'struct':
      return decodeStruct(msg, declared);
    case 'specialized_array':
      return decodeSpecializedArray(msg);
    default:
      throw unsupportedKind('Literal', kind);
  }
}

function arrayTypeOf(element: LiteralMsg['null'] | undefined): DataType | undefined {
  return element ? T.array(decodeDataType(element)) : undefined;
}

function decodeArray(elements: readonly LiteralMsg[], declared: DataType | undefined): Typed {
  const items = elements.map(decodeTyped);
  if (declared !== undefined && declared.kind !== 'array') throw invalidPlan('An array literal has a non-array data type.');
  const elementType = declared?.elementType ?? items.find((i) => i.type.kind !== 'null')?.type ?? T.null;
  return { value: items.map((i) => i.value), type: T.array(elementType, declared?.containsNull ?? true) };
}

function decodeMap(msg: LiteralMsg, declared: DataType | undefined): Typed {
  const m = msg.map;
  const keys = (m?.keys ?? []).map(decodeTyped);
  const values = (m?.values ?? []).map(decodeTyped);
  if (keys.length !== values.length) throw invalidPlan('A map literal has different numbers of keys and values.');
  if (declared !== undefined && declared.kind !== 'map') throw invalidPlan('A map literal has a non-map data type.');
  const keyType = declared?.keyType ?? (m?.key_type ? decodeDataType(m.key_type) : keys[0]?.type) ?? T.null;
  const valueType =
    declared?.valueType ??
    (m?.value_type ? decodeDataType(m.value_type) : values.find((v) => v.type.kind !== 'null')?.type) ??
    T.null;
  const value = new Map<unknown, unknown>(keys.map((k, i) => [k.value, values[i]?.value ?? null]));
  return { value, type: T.map(keyType, valueType, declared?.valueContainsNull ?? true) };
}

function decodeStruct(msg: LiteralMsg, declared: DataType | undefined): Typed {
  const s = msg.struct;
  const items = (s?.elements ?? []).map(decodeTyped);
  const given = declared ?? (s?.struct_type ? decodeDataType(s.struct_type) : undefined);
  if (given !== undefined && given.kind !== 'struct') throw invalidPlan('A struct literal has a non-struct data type.');
  if (given !== undefined && given.fields.length !== items.length) {
    throw invalidPlan(`A struct literal has ${items.length} values for ${given.fields.length} fields.`);
  }
  // Without a declared type, fields get Spark's default names for struct(...): col1, col2, ...
  const type = given ?? T.struct(items.map((item, i) => T.field(`col${i + 1}`, item.type)));
  return { value: items.map((i) => i.value), type };
}

function decodeSpecializedArray(msg: LiteralMsg): Typed {
  const a = msg.specialized_array;
  const kind = a ? oneofCase(a, 'value_type', []) : undefined;
  switch (kind) {
    case 'bools':
      return { value: [...(a?.bools?.values ?? [])], type: T.array(T.boolean, false) };
    case 'ints':
      return { value: [...(a?.ints?.values ?? [])], type: T.array(T.integer, false) };
    case 'longs':
      return { value: (a?.longs?.values ?? []).map((v) => toNumber(v)), type: T.array(T.long, false) };
    case 'floats':
      return { value: [...(a?.floats?.values ?? [])].map(Number), type: T.array(T.float, false) };
    case 'doubles':
      return { value: [...(a?.doubles?.values ?? [])].map(Number), type: T.array(T.double, false) };
    case 'strings':
      return { value: [...(a?.strings?.values ?? [])], type: T.array(T.string, false) };
    case undefined:
      throw oneofNotSet('spark.connect.Expression.Literal.SpecializedArray', 'value_type');
    default:
      throw unsupportedKind('Literal', `specialized_array.${kind}`);
  }
}

/** Our literal as a Spark Connect literal; nulls become typed nulls. */
export function encodeLiteral(lit: Literal): LiteralProto {
  return encodeValue(lit.value, lit.type);
}

function encodeValue(value: unknown, type: DataType): LiteralProto {
  if (value === null || value === undefined) return { null: encodeDataType(type) };
  if (isNumericType(type)) {
    const wire = NUMERIC_WIRE[type.kind] === 'number' ? Number(value) : String(typeof value === 'number' ? Math.trunc(value) : (value as bigint | string));
    return { [type.kind]: wire };
  }
  switch (type.kind) {
    case 'null':
      return { null: encodeDataType(type) };
    case 'boolean':
      return { boolean: Boolean(value) };
    case 'string':
      return { string: String(value) };
    case 'binary':
      return { binary: value as Uint8Array };
    case 'array': {
      const items = value as readonly unknown[];
      return {
        array: {
          element_type: encodeDataType(type.elementType),
          elements: items.map((v) => encodeValue(v, type.elementType)),
        },
      };
    }
    case 'map': {
      const entries = [...(value as ReadonlyMap<unknown, unknown>).entries()];
      return {
        map: {
          key_type: encodeDataType(type.keyType),
          value_type: encodeDataType(type.valueType),
          keys: entries.map(([k]) => encodeValue(k, type.keyType)),
          values: entries.map(([, v]) => encodeValue(v, type.valueType)),
        },
      };
    }
    case 'struct': {
      const items = value as readonly unknown[];
      return {
        struct: {
          struct_type: encodeDataType(type),
          elements: type.fields.map((f, i) => encodeValue(items[i], f.type)),
        },
      };
    }
    default: {
      const never: never = type;
      throw invalidPlan(`Cannot encode a literal of type ${JSON.stringify(never)}.`);
    }
  }
}
