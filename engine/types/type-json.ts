import { IllegalArgumentError } from '../errors/errors.js';
import { ATOMIC_KINDS, ATOMIC_TYPES } from './atomic-types.js';
import { T, type DataType, type StructField } from './data-type.js';

/**
 * Spark's JSON form of data types (`DataType.json` / `DataType.fromJson`): atomic types are
 * strings (`"long"`, `"integer"`, `"void"`), complex types objects with Spark's keys in Spark's order.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export function dataTypeToJson(t: DataType): JsonValue {
  switch (t.kind) {
    case 'array':
      return { type: 'array', elementType: dataTypeToJson(t.elementType), containsNull: t.containsNull };
    case 'map':
      return {
        type: 'map',
        keyType: dataTypeToJson(t.keyType),
        valueType: dataTypeToJson(t.valueType),
        valueContainsNull: t.valueContainsNull,
      };
    case 'struct':
      return {
        type: 'struct',
        fields: t.fields.map((f) => ({
          name: f.name,
          type: dataTypeToJson(f.type),
          nullable: f.nullable,
          metadata: (f.metadata ?? {}) as { [key: string]: JsonValue },
        })),
      };
    default:
      return ATOMIC_TYPES[t.kind].typeName;
  }
}

/** Compact JSON text, byte for byte what Spark's `DataType.json` gives. */
export function dataTypeToJsonString(t: DataType): string {
  return JSON.stringify(dataTypeToJson(t));
}

/** Parses JSON text (`'"long"'`, `'{"type":"struct",...}'`) into a data type. */
export function parseDataTypeJson(text: string): DataType {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalid(text);
  }
  return dataTypeFromJson(json);
}

/** Atomic types by their JSON names and aliases (`"long"`, `"void"`, `"timestamp_ltz"`). */
const ATOMIC_BY_JSON_NAME: ReadonlyMap<string, DataType> = new Map(
  ATOMIC_KINDS.flatMap((kind) => [ATOMIC_TYPES[kind].typeName, ...ATOMIC_TYPES[kind].jsonAliases].map((name) => [name, T[kind]] as const)),
);

/** Converts an already parsed JSON value (as from `JSON.parse`) into a data type. */
export function dataTypeFromJson(json: unknown): DataType {
  if (typeof json === 'string') return atomicFromName(json);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw invalid(JSON.stringify(json));
  const o = json as Record<string, unknown>;
  switch (o['type']) {
    case 'array':
      return T.array(dataTypeFromJson(o['elementType']), o['containsNull'] !== false);
    case 'map':
      return T.map(dataTypeFromJson(o['keyType']), dataTypeFromJson(o['valueType']), o['valueContainsNull'] !== false);
    case 'struct': {
      const fields = o['fields'];
      if (!Array.isArray(fields)) throw invalid(JSON.stringify(json));
      return T.struct(fields.map(fieldFromJson));
    }
    case 'udt':
      // A user-defined type travels as its SQL representation.
      return dataTypeFromJson(o['sqlType']);
    default:
      throw invalid(JSON.stringify(json));
  }
}

function fieldFromJson(json: unknown): StructField {
  if (json === null || typeof json !== 'object') throw invalid(JSON.stringify(json));
  const f = json as Record<string, unknown>;
  const name = f['name'];
  if (typeof name !== 'string') throw invalid(JSON.stringify(json));
  const metadata = f['metadata'];
  const meta =
    metadata !== null && typeof metadata === 'object' && Object.keys(metadata).length > 0
      ? (metadata as Record<string, unknown>)
      : undefined;
  return T.field(name, dataTypeFromJson(f['type']), f['nullable'] !== false, meta);
}

function atomicFromName(name: string): DataType {
  const t = ATOMIC_BY_JSON_NAME.get(name);
  if (t) return t;
  if (/^decimal\(\s*\d+\s*,\s*-?\d+\s*\)$/.test(name)) return T.double;
  if (/^(var)?char\(\s*\d+\s*\)$/.test(name)) return T.string;
  if (/^string collate \S+$/.test(name)) return T.string;
  throw invalid(name);
}

function invalid(text: string): IllegalArgumentError {
  return IllegalArgumentError.withClass('INVALID_JSON_DATA_TYPE', { invalidType: text });
}
