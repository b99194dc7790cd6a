import { assertNever, type DataType, type StructField } from './data-type.js';
import type { Schema } from './schema.js';

/** Spark's type and schema DDL text (`DataType.sql`, `StructType.toDDL`); parsing it is SQL's (`engine/sql/data-type-parser.ts`). */

/** Spark's `quoteIfNeeded` for names in DDL. */
export function quoteIfNeeded(name: string): string {
  return /^[A-Za-z0-9_]+$/.test(name) && !/^\d+$/.test(name) ? name : '`' + name.replace(/`/g, '``') + '`';
}

/** Spark's `DataType.sql`: `INT`, `ARRAY<STRING>`, `MAP<STRING, INT>`, `STRUCT<a: INT, b: STRING NOT NULL>`. */
export function dataTypeToSql(t: DataType): string {
  switch (t.kind) {
    case 'null':
      return 'VOID';
    case 'byte':
      return 'TINYINT';
    case 'short':
      return 'SMALLINT';
    case 'integer':
      return 'INT';
    case 'long':
      return 'BIGINT';
    case 'boolean':
    case 'float':
    case 'double':
    case 'string':
    case 'binary':
    case 'date':
    case 'timestamp':
    case 'timestamp_ntz':
      return t.kind.toUpperCase();
    case 'array':
      return `ARRAY<${dataTypeToSql(t.elementType)}>`;
    case 'map':
      return `MAP<${dataTypeToSql(t.keyType)}, ${dataTypeToSql(t.valueType)}>`;
    case 'struct':
      return `STRUCT<${t.fields.map((f) => `${quoteIfNeeded(f.name)}: ${fieldSuffix(f)}`).join(', ')}>`;
    default:
      return assertNever(t);
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
