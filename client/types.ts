import { T, type DataType, type MapType, type ArrayType, type StructField, type StructType } from '../engine/types/data-type.js';

/**
 * Spark's data types, for schemas (`createDataFrame`, `readStream.schema`) and casts. `T` is the
 * engine's factory; `types` mirrors pyspark.sql.types names (`types.StringType()`, ...).
 */
export { T, simpleString, typeName, WINDOW_TYPE } from '../engine/types/data-type.js';
export type { ArrayType, DataType, MapType, StructField, StructType } from '../engine/types/data-type.js';
export { treeString } from '../engine/types/schema.js';

export const types = Object.freeze({
  NullType: (): DataType => T.null,
  BooleanType: (): DataType => T.boolean,
  ByteType: (): DataType => T.byte,
  ShortType: (): DataType => T.short,
  IntegerType: (): DataType => T.integer,
  LongType: (): DataType => T.long,
  FloatType: (): DataType => T.float,
  DoubleType: (): DataType => T.double,
  StringType: (): DataType => T.string,
  BinaryType: (): DataType => T.binary,
  DateType: (): DataType => T.date,
  TimestampType: (): DataType => T.timestamp,
  TimestampNTZType: (): DataType => T.timestamp_ntz,
  ArrayType: (elementType: DataType, containsNull = true): ArrayType => T.array(elementType, containsNull),
  MapType: (keyType: DataType, valueType: DataType, valueContainsNull = true): MapType => T.map(keyType, valueType, valueContainsNull),
  StructField: (name: string, dataType: DataType, nullable = true, metadata?: Readonly<Record<string, unknown>>): StructField =>
    T.field(name, dataType, nullable, metadata),
  StructType: (fields: readonly StructField[] = []): StructType => T.struct(fields),
});
