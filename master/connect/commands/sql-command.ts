import { encodeArrowBatch } from '../../../engine/arrow/index.js';
import { batchFromRows } from '../../../engine/batch/record-batch.js';
import { decodeRelation, type RelationMsg } from '../../../engine/connect/index.js';
import { T } from '../../../engine/types/data-type.js';
import { schemaOf } from '../../../engine/types/schema.js';
import type { SqlCommand__Output } from '../../../proto/generated/spark/connect/SqlCommand.js';
import type { Relation } from '../../../proto/generated/spark/connect/Relation.js';
import type { Session } from '../../session/session.js';
import { runStatement } from '../../session/catalog-ops.js';
import { parseStatement } from '../../../engine/sql/statement.js';
import type { CommandContext } from './context.js';

const SET_SCHEMA = schemaOf([T.field('key', T.string, false), T.field('value', T.string, false)]);
const SET_STATEMENT = /^\s*SET(?:\s+(`[^`]*`|[^=\s;]+)\s*(?:=\s*([^;]*?))?)?\s*;?\s*$/i;

/**
 * `spark.sql(text)`, run eagerly as Spark does: a query is analyzed now (so its errors surface at
 * `spark.sql()`) and its relation echoed back for later plans; `SET [key[=value]]` is executed
 * and answered with its rows. Other statements fail in the parser with a clear message.
 */
export function runSqlCommand(ctx: CommandContext, cmd: SqlCommand__Output): void {
  const relation = cmd.input ?? legacyRelation(cmd);
  const setRows = relation.sql ? setStatement(ctx.session, relation.sql.query) : undefined;
  if (setRows !== undefined) {
    const data = encodeArrowBatch(batchFromRows(SET_SCHEMA, setRows), ctx.session.conf.timeZone);
    const echo: Relation = { common: relation.common, local_relation: { data: Buffer.from(data) } };
    ctx.emit({ sql_command_result: { relation: echo } });
    return;
  }
  const statement = relation.sql ? parseStatement(relation.sql.query) : undefined;
  if (statement) {
    // Run now, as Spark runs commands eagerly; the result rows are the DataFrame spark.sql returns.
    const rows = runStatement(ctx.session, statement);
    const data = encodeArrowBatch(rows, ctx.session.conf.timeZone);
    const echo: Relation = { common: relation.common, local_relation: { data: Buffer.from(data) } };
    ctx.emit({ sql_command_result: { relation: echo } });
    return;
  }
  ctx.session.analyze(decodeRelation(relation));
  ctx.emit({ sql_command_result: { relation } });
}

/** Clients before 3.5 put the query in the deprecated fields instead of `input`. */
function legacyRelation(cmd: SqlCommand__Output): RelationMsg {
  return {
    common: null,
    rel_type: 'sql',
    sql: {
      query: cmd.sql,
      args: cmd.args,
      pos_args: cmd.pos_args,
      named_arguments: cmd.named_arguments,
      pos_arguments: cmd.pos_arguments,
    },
  };
}

/** The rows of a SET statement (after applying it), or undefined when the text is not one. */
function setStatement(session: Session, query: string): string[][] | undefined {
  const m = SET_STATEMENT.exec(query);
  if (!m) return undefined;
  const rawKey = m[1];
  if (rawKey === undefined) return session.conf.all();
  const key = rawKey.startsWith('`') ? rawKey.slice(1, -1) : rawKey;
  const value = m[2];
  if (value === undefined) return [[key, session.conf.get(key) ?? '<undefined>']];
  session.conf.set(key, value.trim());
  return [[key, value.trim()]];
}
