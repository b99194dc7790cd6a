import { T, type DataType, type MapType, type ArrayType, type StructField, type StructType } from '../engine/types/data-type.js';

/**
 * Spark's data types, for schemas (`createDataFrame`, `readStream.schema`) and casts. `T` is the
 * engine's factory; `types` mirrors pyspark.sql.types names (`types.StringType()`, ...).
 */
export { T, simpleString, typeName, WINDOW_TYPE } from '../engine/types/data-type.js';
export type { ArrayType, DataType, MapType, StructField, StructType } from '../engine/types/data-type.js';
export { treeString } from '../engine/types/schema.js';

/** The parameterless types, by their pyspark.sql.types class name. */
const SIMPLE_TYPES = {
  NullType: T.null,
  BooleanType: T.boolean,
  ByteType: T.byte,
  ShortType: T.short,
  IntegerType: T.integer,
  LongType: T.long,
  FloatType: T.float,
  DoubleType: T.double,
  StringType: T.string,
  BinaryType: T.binary,
  DateType: T.date,
  TimestampType: T.timestamp,
  TimestampNTZType: T.timestamp_ntz,
} as const satisfies Record<string, DataType>;

/** PySpark constructs them (`StringType()`), so each is a function returning its type. */
const simpleTypes = Object.fromEntries(Object.entries(SIMPLE_TYPES).map(([name, type]) => [name, (): DataType => type])) as {
  readonly [K in keyof typeof SIMPLE_TYPES]: () => DataType;
};

export const types = Object.freeze({
  ...simpleTypes,
  ArrayType: (elementType: DataType, containsNull = true): ArrayType => T.array(elementType, containsNull),
  MapType: (keyType: DataType, valueType: DataType, valueContainsNull = true): MapType => T.map(keyType, valueType, valueContainsNull),
  StructField: (name: string, dataType: DataType, nullable = true, metadata?: Readonly<Record<string, unknown>>): StructField =>
    T.field(name, dataType, nullable, metadata),
  StructType: (fields: readonly StructField[] = []): StructType => T.struct(fields),
});
