import { ATOMIC_TYPES } from './atomic-types.js';
import type { DataType, StructField } from './data-type.js';
import type { Schema } from './schema.js';

/**
 * Types and schemas as Spark writes them in SQL (`DataType.sql`, `StructType.toDDL`): in error
 * messages, cast names and DDL answers alike.
 */

/** Spark's `quoteIfNeeded` for names in DDL. */
export function quoteIfNeeded(name: string): string {
  return /^[A-Za-z0-9_]+$/.test(name) && !/^\d+$/.test(name) ? name : '`' + name.replace(/`/g, '``') + '`';
}

/** Spark's `DataType.sql`: `INT`, `ARRAY<STRING>`, `MAP<STRING, INT>`, `STRUCT<a: INT, b: STRING NOT NULL>`. */
export function dataTypeToSql(t: DataType): string {
  switch (t.kind) {
    case 'array':
      return `ARRAY<${dataTypeToSql(t.elementType)}>`;
    case 'map':
      return `MAP<${dataTypeToSql(t.keyType)}, ${dataTypeToSql(t.valueType)}>`;
    case 'struct':
      return `STRUCT<${t.fields.map((f) => `${quoteIfNeeded(f.name)}: ${fieldSuffix(f)}`).join(', ')}>`;
    default:
      return ATOMIC_TYPES[t.kind].sql;
  }
}

/** Spark's `StructType.toDDL`: `a INT, b STRING NOT NULL COMMENT 'x'`. */
export function schemaToDdl(schema: Schema): string {
  return schema.fields.map((f) => `${quoteIfNeeded(f.name)} ${fieldSuffix(f)}`).join(', ');
}

function fieldSuffix(f: StructField): string {
  const comment = f.metadata?.['comment'];
  const commentSql = typeof comment === 'string' ? ` COMMENT '${comment.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : '';
  return `${dataTypeToSql(f.type)}${f.nullable ? '' : ' NOT NULL'}${commentSql}`;
}
