import { ATOMIC_TYPES } from './atomic-types.js';
import { renderType, type DataType, type StructField, type TypeRenderer } from './data-type.js';
import type { Schema } from './schema.js';

/**
 * Types and schemas as Spark writes them in SQL (`DataType.sql`, `StructType.toDDL`): in error
 * messages, cast names and DDL answers alike.
 */

/** Spark's `quoteIfNeeded` for names in DDL. */
export function quoteIfNeeded(name: string): string {
  return /^[A-Za-z0-9_]+$/.test(name) && !/^\d+$/.test(name) ? name : '`' + name.replace(/`/g, '``') + '`';
}

const SQL: TypeRenderer = {
  atomic: (kind) => ATOMIC_TYPES[kind].sql,
  array: (element) => `ARRAY<${element}>`,
  map: (key, value) => `MAP<${key}, ${value}>`,
  struct: (fields) => `STRUCT<${fields.map(({ field, type }) => `${quoteIfNeeded(field.name)}: ${fieldSql(field, type)}`).join(', ')}>`,
};

/** Spark's `DataType.sql`: `INT`, `ARRAY<STRING>`, `MAP<STRING, INT>`, `STRUCT<a: INT, b: STRING NOT NULL>`. */
export function dataTypeToSql(t: DataType): string {
  return renderType(t, SQL);
}

/** Spark's `StructType.toDDL`: `a INT, b STRING NOT NULL COMMENT 'x'`. */
export function schemaToDdl(schema: Schema): string {
  return schema.fields.map((f) => `${quoteIfNeeded(f.name)} ${fieldSql(f, dataTypeToSql(f.type))}`).join(', ');
}

/** A field's type (already as SQL) with its nullability and comment. */
function fieldSql(f: StructField, typeSql: string): string {
  const comment = f.metadata?.['comment'];
  const commentSql = typeof comment === 'string' ? ` COMMENT '${comment.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : '';
  return `${typeSql}${f.nullable ? '' : ' NOT NULL'}${commentSql}`;
}
