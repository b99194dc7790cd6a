import { batchFromRows, emptyBatch, type RecordBatch } from '../../engine/batch/record-batch.js';
import { unsupportedKind } from '../../engine/connect/index.js';
import { AnalysisError } from '../../engine/errors/errors.js';
import { DEFAULT_SEARCH_PATH } from '../../engine/errors/error-classes.js';
import { quoteIdentifier } from '../../engine/analysis/identifier.js';
import { P } from '../../engine/plan/plan-nodes.js';
import { matchesPattern, type Statement } from '../../engine/sql/statement.js';
import { T, simpleString } from '../../engine/types/data-type.js';
import { schemaOf } from '../../engine/types/schema.js';
import type { Catalog__Output } from '../../proto/generated/spark/connect/Catalog.js';
import type { Session } from './session.js';

const SHOW_TABLES = schemaOf([T.field('namespace', T.string, false), T.field('tableName', T.string, false), T.field('isTemporary', T.boolean, false)]);
const TABLES = schemaOf([
  T.field('name', T.string, false),
  T.field('catalog', T.string, true),
  T.field('namespace', T.array(T.string, false), true),
  T.field('description', T.string, true),
  T.field('tableType', T.string, false),
  T.field('isTemporary', T.boolean, false),
]);
const COLUMNS = schemaOf([
  T.field('name', T.string, false),
  T.field('description', T.string, true),
  T.field('dataType', T.string, false),
  T.field('nullable', T.boolean, false),
  T.field('isPartition', T.boolean, false),
  T.field('isBucket', T.boolean, false),
  T.field('isCluster', T.boolean, false),
]);
const DATABASES = schemaOf([
  T.field('name', T.string, false),
  T.field('catalog', T.string, true),
  T.field('description', T.string, true),
  T.field('locationUri', T.string, false),
]);
const ONE_BOOLEAN = schemaOf([T.field('value', T.boolean, false)]);
const ONE_STRING = schemaOf([T.field('value', T.string, false)]);

function notFound(name: string): AnalysisError {
  return AnalysisError.withClass('TABLE_OR_VIEW_NOT_FOUND', { relationName: quoteIdentifier([name]), searchPath: DEFAULT_SEARCH_PATH });
}

function tableRow(name: string): unknown[] {
  return [name, null, [], null, 'TEMPORARY', true];
}

/** `spark.catalog.*` (Connect's Catalog relation) over the session's temporary views and memory tables. */
export function runCatalog(session: Session, cat: Catalog__Output): RecordBatch {
  const names = (): string[] => session.catalog.names().map((n) => n.name);
  switch (cat.cat_type) {
    case 'current_database':
      return batchFromRows(ONE_STRING, [['default']]);
    case 'current_catalog':
      return batchFromRows(ONE_STRING, [['spark_catalog']]);
    case 'list_databases':
      return batchFromRows(DATABASES, matchesPattern('default', cat.list_databases?.pattern ?? undefined) ? [['default', 'spark_catalog', 'default database', '']] : []);
    case 'database_exists':
      return batchFromRows(ONE_BOOLEAN, [[(cat.database_exists?.db_name ?? '').toLowerCase() === 'default']]);
    case 'list_tables': {
      const pattern = cat.list_tables?.pattern ?? undefined;
      return batchFromRows(TABLES, names().filter((n) => matchesPattern(n, pattern)).map(tableRow));
    }
    case 'get_table': {
      const name = cat.get_table?.table_name ?? '';
      if (!session.catalog.lookup([name])) throw notFound(name);
      return batchFromRows(TABLES, [tableRow(name.toLowerCase())]);
    }
    case 'table_exists':
      return batchFromRows(ONE_BOOLEAN, [[session.catalog.lookup([cat.table_exists?.table_name ?? '']) !== undefined]]);
    case 'list_columns': {
      const name = cat.list_columns?.table_name ?? '';
      if (!session.catalog.lookup([name])) throw notFound(name);
      const schema = session.schema(P.table(name));
      return batchFromRows(
        COLUMNS,
        schema.fields.map((f) => [f.name, null, simpleString(f.type), f.nullable, false, false, false]),
      );
    }
    case 'drop_temp_view':
      return batchFromRows(ONE_BOOLEAN, [[session.catalog.dropView(cat.drop_temp_view?.view_name ?? '')]]);
    case 'drop_global_temp_view':
      return batchFromRows(ONE_BOOLEAN, [[session.catalog.dropGlobalView(cat.drop_global_temp_view?.view_name ?? '')]]);
    default:
      throw unsupportedKind('Catalog', cat.cat_type ?? 'unset');
  }
}

/** Runs a catalog statement from `spark.sql`; the rows are its result (empty for CREATE/DROP). */
export function runStatement(session: Session, stmt: Statement): RecordBatch {
  switch (stmt.kind) {
    case 'createView': {
      if (stmt.ifNotExists && session.catalog.lookup([stmt.name])) return emptyBatch(schemaOf([]));
      const sql = { kind: 'sql' as const, query: stmt.query, namedArgs: {}, posArgs: [] };
      const plan = stmt.columns.length > 0 ? { kind: 'toDF' as const, input: sql, columnNames: stmt.columns } : sql;
      session.createView(stmt.name, plan, stmt.replace, stmt.global);
      return emptyBatch(schemaOf([]));
    }
    case 'dropView': {
      const global = stmt.name.length === 2 && stmt.name[0]?.toLowerCase() === 'global_temp';
      const name = stmt.name[stmt.name.length - 1] ?? '';
      const dropped = global ? session.catalog.dropGlobalView(name) : session.catalog.dropView(name);
      if (!dropped && !stmt.ifExists) {
        throw AnalysisError.withClass('TABLE_OR_VIEW_NOT_FOUND', { relationName: quoteIdentifier([...stmt.name]), searchPath: DEFAULT_SEARCH_PATH });
      }
      return emptyBatch(schemaOf([]));
    }
    case 'showTables':
      return batchFromRows(
        SHOW_TABLES,
        session.catalog
          .names()
          .filter((n) => matchesPattern(n.name, stmt.pattern))
          .map((n) => ['', n.name, true]),
      );
    default: {
      const never: never = stmt;
      throw new AnalysisError(`Unknown statement ${JSON.stringify(never)}`);
    }
  }
}
