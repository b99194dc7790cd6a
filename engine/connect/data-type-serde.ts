import { isAtomicKind } from '../types/atomic-types.js';
import { T, type DataType, type StructField, type StructType } from '../types/data-type.js';
import { invalidPlan, oneofCase, oneofNotSet, unsupportedKind } from './plan-errors.js';
import type { DataTypeMsg, DataTypeProto } from './wire-types.js';

/** A Spark Connect DataType; an `unparsed` type stays a DDL string for the analyzer to parse. */
export function decodeDataTypeOrString(msg: DataTypeMsg): DataType | string {
  if (oneofCase(msg, 'kind', []) === 'unparsed') return msg.unparsed?.data_type_string ?? '';
  return decodeDataType(msg);
}

/** A Spark Connect DataType that must be concrete (nested types, schemas, typed nulls). */
export function decodeDataType(msg: DataTypeMsg): DataType {
  const kind = oneofCase(msg, 'kind', []);
  // Spark Connect's DataType oneof names each atomic case as Kindling names the kind.
  if (kind !== undefined && isAtomicKind(kind)) return T[kind];
  switch (kind) {
    case undefined:
      throw oneofNotSet('spark.connect.DataType', 'kind');
    case 'array': {
      const a = msg.array;
      if (!a?.element_type) throw invalidPlan('An array type needs an element type.');
      return T.array(decodeDataType(a.element_type), a.contains_null ?? true);
    }
    case 'map': {
      const m = msg.map;
      if (!m?.key_type || !m.value_type) throw invalidPlan('A map type needs a key type and a value type.');
      return T.map(decodeDataType(m.key_type), decodeDataType(m.value_type), m.value_contains_null ?? true);
    }
    case 'struct':
      return T.struct((msg.struct?.fields ?? []).map(decodeField));
    case 'unparsed':
      throw unsupportedKind('Data', `unparsed (${msg.unparsed?.data_type_string ?? ''})`);
    default:
      throw unsupportedKind('Data', kind);
  }
}

function decodeField(f: NonNullable<DataTypeMsg['struct']>['fields'][number]): StructField {
  if (!f.data_type) throw invalidPlan(`Struct field '${f.name}' has no data type.`);
  let metadata: Record<string, unknown> | undefined;
  if (f.metadata !== undefined && f.metadata !== null && f.metadata !== '') {
    try {
      const parsed: unknown = JSON.parse(f.metadata);
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
        metadata = Object.keys(parsed).length > 0 ? (parsed as Record<string, unknown>) : undefined;
      }
    } catch {
      throw invalidPlan(`Struct field '${f.name}' has metadata that is not JSON: ${f.metadata}`);
    }
  }
  return T.field(f.name, decodeDataType(f.data_type), f.nullable ?? true, metadata);
}

/** Our DataType as a Spark Connect DataType (every kind message written, even when empty). */
export function encodeDataType(t: DataType): DataTypeProto {
  switch (t.kind) {
    case 'array':
      return { array: { element_type: encodeDataType(t.elementType), contains_null: t.containsNull } };
    case 'map':
      return {
        map: {
          key_type: encodeDataType(t.keyType),
          value_type: encodeDataType(t.valueType),
          value_contains_null: t.valueContainsNull,
        },
      };
    case 'struct':
      return encodeStructType(t);
    default:
      // The oneof case named as the kind (see decodeDataType); strings carry their (default) collation.
      return { [t.kind]: t.kind === 'string' ? { collation: '' } : {} } as DataTypeProto;
  }
}

function encodeStructType(t: StructType): DataTypeProto {
  return {
    struct: {
      fields: t.fields.map((f) => {
        const field: NonNullable<NonNullable<DataTypeProto['struct']>['fields']>[number] = {
          name: f.name,
          data_type: encodeDataType(f.type),
          nullable: f.nullable,
        };
        if (f.metadata !== undefined && Object.keys(f.metadata).length > 0) field.metadata = JSON.stringify(f.metadata);
        return field;
      }),
    },
  };
}

/** A type that may still be a DDL string (Cast targets). */
export function encodeDataTypeOrString(t: DataType | string): DataTypeProto {
  return typeof t === 'string' ? { unparsed: { data_type_string: t } } : encodeDataType(t);
}
