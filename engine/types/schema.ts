import { T, type DataType, type StructField, type StructType, typeName } from './data-type.js';

/** A relation's output: an ordered list of named, typed columns. */
export type Schema = StructType;

export const WATERMARK_DELAY_KEY = 'spark.watermarkDelayMs';

export function schemaOf(fields: readonly StructField[]): Schema {
  return T.struct(fields);
}

export function fieldNames(schema: Schema): string[] {
  return schema.fields.map((f) => f.name);
}

/** Case-insensitive lookup, as Spark's default `spark.sql.caseSensitive=false`. Returns all matches. */
export function findFields(schema: Schema, name: string): number[] {
  const lower = name.toLowerCase();
  const out: number[] = [];
  schema.fields.forEach((f, i) => {
    if (f.name.toLowerCase() === lower) out.push(i);
  });
  return out;
}

export function watermarkDelayMs(field: StructField): number | undefined {
  const v = field.metadata?.[WATERMARK_DELAY_KEY];
  return typeof v === 'number' ? v : undefined;
}

export function withMetadata(field: StructField, metadata: Readonly<Record<string, unknown>> | undefined): StructField {
  return T.field(field.name, field.type, field.nullable, metadata && Object.keys(metadata).length > 0 ? metadata : undefined);
}

/** Spark's `printSchema()` / `treeString` text. */
export function treeString(schema: Schema, level = Number.POSITIVE_INFINITY): string {
  const lines = ['root'];
  const walk = (type: DataType, prefix: string, depth: number): void => {
    if (depth > level) return;
    if (type.kind === 'struct') {
      for (const f of type.fields) {
        lines.push(`${prefix}-- ${f.name}: ${typeName(f.type)} (nullable = ${f.nullable})`);
        walk(f.type, `${prefix}    |`, depth + 1);
      }
    } else if (type.kind === 'array') {
      lines.push(`${prefix}-- element: ${typeName(type.elementType)} (containsNull = ${type.containsNull})`);
      walk(type.elementType, `${prefix}    |`, depth + 1);
    } else if (type.kind === 'map') {
      lines.push(`${prefix}-- key: ${typeName(type.keyType)}`);
      walk(type.keyType, `${prefix}    |`, depth + 1);
      lines.push(`${prefix}-- value: ${typeName(type.valueType)} (valueContainsNull = ${type.valueContainsNull})`);
      walk(type.valueType, `${prefix}    |`, depth + 1);
    }
  };
  walk(schema, ' |', 1);
  return lines.join('\n') + '\n';
}
