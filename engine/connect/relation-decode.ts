import { decodeArrowIpc } from '../arrow/decode.js';
import { recordBatch } from '../batch/record-batch.js';
import { NotSupportedError } from '../errors/errors.js';
import type { Expr } from '../expr/expr.js';
import type { LogicalPlan } from '../plan/logical-plan.js';
import { P, withPlanId } from '../plan/plan-nodes.js';
import { schemaOf } from '../types/schema.js';
import { decodeAlias, decodeExpression, decodeSortOrder } from './expression-serde.js';
import { decodeLiteral } from './literal-serde.js';
import { decodeGroupingAggregate, decodeRelational } from './relational-serde.js';
import { invalidPlan, oneofCase, oneofNotSet, toNumber, unsupportedKind } from './plan-errors.js';
import type { ReadMsg, RelationMsg } from './wire-types.js';

type Msg<K extends keyof RelationMsg> = NonNullable<RelationMsg[K]>;

/** A Spark Connect relation tree as our unresolved logical plan; `common.plan_id` becomes `planId`. */
export function decodeRelation(rel: RelationMsg): LogicalPlan {
  const kind = oneofCase(rel, 'rel_type', ['common']);
  if (kind === undefined) throw oneofNotSet('spark.connect.Relation', 'rel_type');
  const planId = rel.common?.plan_id;
  return withPlanId(decodeKind(rel, kind), planId === undefined || planId === null ? undefined : toNumber(planId));
}

function decodeKind(rel: RelationMsg, kind: string): LogicalPlan {
  switch (kind) {
    case 'read':
      return decodeRead(rel.read as Msg<'read'>);
    case 'project': {
      const p = rel.project as Msg<'project'>;
      // Without an input, Spark projects over one empty row (`SELECT 1`).
      const input = p.input ? decodeRelation(p.input) : oneRow();
      return P.project(input, exprs(p.expressions));
    }
    case 'filter': {
      const f = rel.filter as Msg<'filter'>;
      if (!f.condition) throw invalidPlan('Filter needs a condition.');
      return P.filter(input(f.input, 'Filter'), decodeExpression(f.condition));
    }
    case 'aggregate':
      return decodeAggregate(rel.aggregate as Msg<'aggregate'>);
    case 'with_columns': {
      const w = rel.with_columns as Msg<'with_columns'>;
      const columns = (w.aliases ?? []).map((a) => {
        const alias = decodeAlias(a);
        const name = alias.names[0] as string;
        if (alias.names.length !== 1) {
          throw invalidPlan(`WithColumns require column name only contains one name part, but got [${alias.names.join(', ')}]`);
        }
        // Column metadata (withMetadata / withColumn(..., metadata)) rides on the alias.
        return { name, expr: alias.metadata === undefined ? alias.expr : alias };
      });
      return P.withColumns(input(w.input, 'WithColumns'), columns);
    }
    case 'with_columns_renamed': {
      const w = rel.with_columns_renamed as Msg<'with_columns_renamed'>;
      const renames =
        (w.renames ?? []).length > 0
          ? (w.renames ?? []).map((r) => ({ from: r.col_name, to: r.new_col_name }))
          : Object.entries(w.rename_columns_map ?? {}).map(([from, to]) => ({ from, to }));
      return P.withColumnsRenamed(input(w.input, 'WithColumnsRenamed'), renames);
    }
    case 'with_watermark': {
      const w = rel.with_watermark as Msg<'with_watermark'>;
      return P.withWatermark(input(w.input, 'WithWatermark'), w.event_time ?? '', w.delay_threshold ?? '');
    }
    case 'drop': {
      const d = rel.drop as Msg<'drop'>;
      return P.drop(input(d.input, 'Drop'), exprs(d.columns), d.column_names ?? []);
    }
    case 'sort': {
      const s = rel.sort as Msg<'sort'>;
      return P.sort(input(s.input, 'Sort'), (s.order ?? []).map(decodeSortOrder), s.is_global ?? false);
    }
    case 'limit': {
      const l = rel.limit as Msg<'limit'>;
      return P.limit(input(l.input, 'Limit'), l.limit ?? 0);
    }
    case 'offset': {
      const o = rel.offset as Msg<'offset'>;
      return P.offset(input(o.input, 'Offset'), o.offset ?? 0);
    }
    case 'deduplicate':
      return decodeDeduplicate(rel.deduplicate as Msg<'deduplicate'>);
    case 'sql':
      return decodeSql(rel.sql as Msg<'sql'>);
    case 'show_string': {
      const s = rel.show_string as Msg<'show_string'>;
      return P.showString(input(s.input, 'ShowString'), s.num_rows ?? 0, s.truncate ?? 0, s.vertical ?? false);
    }
    case 'local_relation': {
      const l = rel.local_relation as Msg<'local_relation'>;
      const batch = l.data === undefined || l.data === null ? undefined : decodeArrowIpc(l.data);
      const schema = l.schema === undefined || l.schema === null || l.schema === '' ? undefined : l.schema;
      return P.localRelation(batch, schema);
    }
    case 'range': {
      const r = rel.range as Msg<'range'>;
      const step = toNumber(r.step, 1);
      if (step === 0) throw invalidPlan('Range step cannot be 0.');
      return P.range(toNumber(r.start), toNumber(r.end), step, r.num_partitions ?? undefined);
    }
    case 'subquery_alias': {
      const s = rel.subquery_alias as Msg<'subquery_alias'>;
      return P.alias(input(s.input, 'SubqueryAlias'), s.alias ?? '');
    }
    case 'to_df': {
      const t = rel.to_df as Msg<'to_df'>;
      return P.toDF(input(t.input, 'ToDF'), t.column_names ?? []);
    }
    case 'set_op':
      return decodeSetOp(rel.set_op as Msg<'set_op'>);
    default:
      return decodeRelational(rel, kind, decodeRelation) ?? unsupported(kind);
  }
}

function unsupported(kind: string): never {
  throw unsupportedKind('Relation', kind);
}

function input(rel: RelationMsg | null | undefined, what: string): LogicalPlan {
  if (rel === null || rel === undefined) throw invalidPlan(`${what} needs a plan input.`);
  return decodeRelation(rel);
}

function exprs(msgs: Parameters<typeof decodeExpression>[0][] | undefined): readonly Expr[] {
  return Object.freeze((msgs ?? []).map(decodeExpression));
}

function oneRow(): LogicalPlan {
  return P.localRelation(recordBatch(schemaOf([]), 1, []));
}

function decodeRead(r: ReadMsg): LogicalPlan {
  const kind = oneofCase(r, 'read_type', ['is_streaming']);
  const isStreaming = r.is_streaming ?? false;
  if (kind === 'named_table') {
    const t = r.named_table as NonNullable<ReadMsg['named_table']>;
    return P.read({ type: 'namedTable', name: t.unparsed_identifier ?? '', options: { ...(t.options ?? {}) } }, isStreaming);
  }
  if (kind === 'data_source') {
    const d = r.data_source as NonNullable<ReadMsg['data_source']>;
    if ((d.predicates ?? []).length > 0) throw new NotSupportedError('JDBC partition predicates are not supported by Kindling.');
    const schema = d.schema === undefined || d.schema === null || d.schema === '' ? undefined : d.schema;
    const base = { type: 'dataSource' as const, format: d.format ?? '', options: { ...(d.options ?? {}) }, paths: [...(d.paths ?? [])] };
    return P.read(schema === undefined ? base : { ...base, schema }, isStreaming);
  }
  throw oneofNotSet('spark.connect.Read', 'read_type');
}

function decodeAggregate(a: Msg<'aggregate'>): LogicalPlan {
  const groupType = a.group_type;
  switch (groupType) {
    case 'GROUP_TYPE_GROUPBY':
      return P.aggregate(input(a.input, 'Aggregate'), {
        groupType: 'groupby',
        grouping: exprs(a.grouping_expressions),
        aggregates: exprs(a.aggregate_expressions),
      });
    case 'GROUP_TYPE_ROLLUP':
    case 'GROUP_TYPE_CUBE':
    case 'GROUP_TYPE_PIVOT':
    case 'GROUP_TYPE_GROUPING_SETS':
      return decodeGroupingAggregate(a, input(a.input, 'Aggregate'), exprs(a.grouping_expressions), exprs(a.aggregate_expressions));
    default:
      throw invalidPlan(`This enum value of spark.connect.Aggregate.GroupType is invalid: ${String(groupType)}`);
  }
}

function decodeDeduplicate(d: Msg<'deduplicate'>): LogicalPlan {
  if (d.within_watermark === true) {
    throw new NotSupportedError('dropDuplicatesWithinWatermark (Deduplicate.within_watermark) is not supported by Kindling.');
  }
  const columnNames = [...(d.column_names ?? [])];
  const allColumns = d.all_columns_as_keys ?? false;
  if (allColumns && columnNames.length > 0) throw invalidPlan('Cannot deduplicate on both all columns and a subset of columns');
  if (!allColumns && columnNames.length === 0) {
    throw invalidPlan('Deduplicate requires to either deduplicate on all columns or a subset of columns');
  }
  return P.deduplicate(input(d.input, 'Deduplicate'), columnNames, allColumns);
}

function decodeSql(s: Msg<'sql'>): LogicalPlan {
  const namedArgs: Record<string, Expr> = {};
  for (const [name, lit] of Object.entries(s.args ?? {})) namedArgs[name] = decodeLiteral(lit);
  for (const [name, e] of Object.entries(s.named_arguments ?? {})) namedArgs[name] = decodeExpression(e);
  const posArgs = [...(s.pos_args ?? []).map(decodeLiteral), ...(s.pos_arguments ?? []).map(decodeExpression)];
  if (Object.keys(namedArgs).length > 0 && posArgs.length > 0) {
    throw invalidPlan('A SQL query cannot have both named and positional parameters.');
  }
  return P.sql(s.query ?? '', namedArgs, posArgs);
}

function decodeSetOp(s: Msg<'set_op'>): LogicalPlan {
  const opType = s.set_op_type;
  if (opType === 'SET_OP_TYPE_INTERSECT') throw unsupportedKind('Set operation', 'intersect');
  if (opType === 'SET_OP_TYPE_EXCEPT') throw unsupportedKind('Set operation', 'except');
  if (opType !== 'SET_OP_TYPE_UNION') {
    throw invalidPlan(`This enum value of spark.connect.SetOperation.SetOpType is invalid: ${String(opType)}`);
  }
  const byName = s.by_name ?? false;
  const allowMissingColumns = s.allow_missing_columns ?? false;
  if (allowMissingColumns && !byName) throw invalidPlan('UnionByName `allowMissingCol` can be true only if `byName` is true.');
  const union = P.union([input(s.left_input, 'Set operation'), input(s.right_input, 'Set operation')], byName, allowMissingColumns);
  // SQL's UNION (is_all = false) is UNION ALL followed by DISTINCT.
  if (s.is_all ?? false) return union;
  return P.distinct(union);
}
