import { ATOMIC_KINDS, ATOMIC_TYPES, isAtomicKind, type KindsOf } from './atomic-types.js';

/**
 * Spark's data types as a closed union. Values in memory:
 * boolean → boolean; byte/short/integer/long/float/double → number; string → string;
 * binary → Uint8Array; date → number (days since epoch); timestamp / timestamp_ntz → number
 * (microseconds since epoch, UTC); array → unknown[]; struct → unknown[] (positional, one entry per
 * field); map → Map<unknown, unknown>; null → null. Every value may also be null.
 */
export type DataType =
  | { readonly kind: 'null' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'byte' }
  | { readonly kind: 'short' }
  | { readonly kind: 'integer' }
  | { readonly kind: 'long' }
  | { readonly kind: 'float' }
  | { readonly kind: 'double' }
  | { readonly kind: 'string' }
  | { readonly kind: 'binary' }
  | { readonly kind: 'date' }
  | { readonly kind: 'timestamp' }
  | { readonly kind: 'timestamp_ntz' }
  | ArrayType
  | StructType
  | MapType;

export interface ArrayType {
  readonly kind: 'array';
  readonly elementType: DataType;
  readonly containsNull: boolean;
}

export interface MapType {
  readonly kind: 'map';
  readonly keyType: DataType;
  readonly valueType: DataType;
  readonly valueContainsNull: boolean;
}

export interface StructField {
  readonly name: string;
  readonly type: DataType;
  readonly nullable: boolean;
  /** Spark column metadata, e.g. `{"spark.watermarkDelayMs": 5000}` on an event-time column. */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export interface StructType {
  readonly kind: 'struct';
  readonly fields: readonly StructField[];
}

export type AtomicKind = Exclude<DataType['kind'], 'array' | 'struct' | 'map'>;

/** One frozen instance per atomic kind, so atomic types can be compared by identity too. */
const ATOMIC_INSTANCES = Object.fromEntries(ATOMIC_KINDS.map((kind) => [kind, Object.freeze({ kind })])) as {
  readonly [K in AtomicKind]: Extract<DataType, { kind: K }>;
};

export const T = Object.freeze({
  ...ATOMIC_INSTANCES,
  array(elementType: DataType, containsNull = true): ArrayType {
    return Object.freeze({ kind: 'array', elementType, containsNull });
  },
  map(keyType: DataType, valueType: DataType, valueContainsNull = true): MapType {
    return Object.freeze({ kind: 'map', keyType, valueType, valueContainsNull });
  },
  struct(fields: readonly StructField[]): StructType {
    return Object.freeze({ kind: 'struct', fields: Object.freeze([...fields]) });
  },
  field(
    name: string,
    type: DataType,
    nullable = true,
    metadata?: Readonly<Record<string, unknown>>,
  ): StructField {
    return Object.freeze(metadata === undefined ? { name, type, nullable } : { name, type, nullable, metadata });
  },
});

/** The `window` column produced by `window(...)`: struct<start: timestamp, end: timestamp>. */
export const WINDOW_TYPE: StructType = T.struct([T.field('start', T.timestamp), T.field('end', T.timestamp)]);

export type NumericType = Extract<DataType, { kind: KindsOf<'integral' | 'fractional'> }>;

export function isNumeric(t: DataType): t is NumericType {
  return isAtomicKind(t.kind) && (ATOMIC_TYPES[t.kind].family === 'integral' || ATOMIC_TYPES[t.kind].family === 'fractional');
}

export function isIntegral(t: DataType): boolean {
  return isAtomicKind(t.kind) && ATOMIC_TYPES[t.kind].family === 'integral';
}

export function isTimestamp(t: DataType): boolean {
  return isAtomicKind(t.kind) && ATOMIC_TYPES[t.kind].family === 'timestamp';
}

export function typesEqual(a: DataType, b: DataType): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'array': {
      const o = b as ArrayType;
      return typesEqual(a.elementType, o.elementType) && a.containsNull === o.containsNull;
    }
    case 'map': {
      const o = b as MapType;
      return typesEqual(a.keyType, o.keyType) && typesEqual(a.valueType, o.valueType);
    }
    case 'struct': {
      const o = b as StructType;
      return (
        a.fields.length === o.fields.length &&
        a.fields.every((f, i) => {
          const g = o.fields[i];
          return g !== undefined && f.name === g.name && typesEqual(f.type, g.type);
        })
      );
    }
    default:
      return true;
  }
}

/** How one text form of types renders each shape, given its parts already rendered. */
export interface TypeRenderer {
  atomic(kind: AtomicKind): string;
  array(element: string): string;
  map(key: string, value: string): string;
  struct(fields: readonly { readonly field: StructField; readonly type: string }[]): string;
}

/** A type in one text form: the recursion over arrays, maps and structs, written once for all forms. */
export function renderType(t: DataType, r: TypeRenderer): string {
  switch (t.kind) {
    case 'array':
      return r.array(renderType(t.elementType, r));
    case 'map':
      return r.map(renderType(t.keyType, r), renderType(t.valueType, r));
    case 'struct':
      return r.struct(t.fields.map((field) => ({ field, type: renderType(field.type, r) })));
    default:
      return r.atomic(t.kind);
  }
}

const SIMPLE_STRING: TypeRenderer = {
  atomic: (kind) => ATOMIC_TYPES[kind].simpleString,
  array: (element) => `array<${element}>`,
  map: (key, value) => `map<${key},${value}>`,
  struct: (fields) => `struct<${fields.map(({ field, type }) => `${field.name}:${type}`).join(',')}>`,
};

/** Spark's `simpleString`: `bigint`, `int`, `struct<start:timestamp,end:timestamp>`, `array<string>`. */
export function simpleString(t: DataType): string {
  return renderType(t, SIMPLE_STRING);
}

/** Spark's `typeName` used by printSchema: `long`, `integer`, `string`, `timestamp`, `struct`. */
export function typeName(t: DataType): string {
  return isAtomicKind(t.kind) ? ATOMIC_TYPES[t.kind].typeName : t.kind;
}

export function assertNever(x: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(x)}`);
}
