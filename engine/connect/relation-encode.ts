import { encodeArrowBatch } from '../arrow/encode.js';
import { isRelationalOp, type LogicalPlan } from '../plan/logical-plan.js';
import { dataTypeToJsonString } from '../types/type-json.js';
import { encodeAlias, encodeExpression, encodeSortOrder } from './expression-serde.js';
import { encodeLiteral } from './literal-serde.js';
import { invalidPlan } from './plan-errors.js';
import { encodeRelational } from './relational-serde.js';

const GROUP_TYPES = {
  groupby: 'GROUP_TYPE_GROUPBY',
  rollup: 'GROUP_TYPE_ROLLUP',
  cube: 'GROUP_TYPE_CUBE',
  groupingSets: 'GROUP_TYPE_GROUPING_SETS',
  pivot: 'GROUP_TYPE_PIVOT',
} as const;
import type { RelationProto } from './wire-types.js';

/**
 * Our unresolved plan as a Spark Connect relation, the way PySpark would send it. Local data is
 * written as Arrow with UTC timestamps (values are UTC microseconds either way).
 */
export function encodeRelation(plan: LogicalPlan): RelationProto {
  const rel = encodeKind(plan);
  if (plan.planId !== undefined) rel.common = { plan_id: plan.planId };
  return rel;
}

function encodeKind(plan: LogicalPlan): RelationProto {
  if (isRelationalOp(plan)) return encodeRelational(plan, encodeRelation);
  switch (plan.kind) {
    case 'read': {
      const src = plan.source;
      if (src.type === 'namedTable') {
        return {
          read: { named_table: { unparsed_identifier: src.name, options: { ...src.options } }, is_streaming: plan.isStreaming },
        };
      }
      return {
        read: {
          data_source: { format: src.format, schema: src.schema ?? '', options: { ...src.options }, paths: [...src.paths] },
          is_streaming: plan.isStreaming,
        },
      };
    }
    case 'project':
      return { project: { input: encodeRelation(plan.input), expressions: plan.exprs.map(encodeExpression) } };
    case 'filter':
      return { filter: { input: encodeRelation(plan.input), condition: encodeExpression(plan.condition) } };
    case 'aggregate':
      if (plan.having !== undefined || plan.selectList === true) {
        throw invalidPlan('An aggregate built by the SQL parser has no Spark Connect form; send the SQL text instead.');
      }
      return {
        aggregate: {
          input: encodeRelation(plan.input),
          group_type: GROUP_TYPES[plan.groupType],
          grouping_expressions: plan.grouping.map(encodeExpression),
          aggregate_expressions: plan.aggregates.map(encodeExpression),
          ...(plan.groupingSets ? { grouping_sets: plan.groupingSets.map((g) => ({ grouping_set: g.map(encodeExpression) })) } : {}),
          ...(plan.pivot ? { pivot: { col: encodeExpression(plan.pivot.column), values: plan.pivot.values.map(encodeLiteral) } } : {}),
        },
      };
    case 'withColumns':
      return {
        with_columns: {
          input: encodeRelation(plan.input),
          aliases: plan.columns.map((c) =>
            c.expr.kind === 'alias' && c.expr.names.length === 1 && c.expr.names[0] === c.name
              ? encodeAlias(c.expr)
              : { expr: encodeExpression(c.expr), name: [c.name] },
          ),
        },
      };
    case 'withColumnsRenamed':
      return {
        with_columns_renamed: {
          input: encodeRelation(plan.input),
          renames: plan.renames.map((r) => ({ col_name: r.from, new_col_name: r.to })),
        },
      };
    case 'withWatermark':
      return {
        with_watermark: { input: encodeRelation(plan.input), event_time: plan.eventTime, delay_threshold: plan.delay },
      };
    case 'drop':
      return {
        drop: {
          input: encodeRelation(plan.input),
          columns: plan.columns.map(encodeExpression),
          column_names: [...plan.columnNames],
        },
      };
    case 'sort':
      return {
        sort: { input: encodeRelation(plan.input), order: plan.order.map(encodeSortOrder), is_global: plan.isGlobal },
      };
    case 'limit':
      return { limit: { input: encodeRelation(plan.input), limit: plan.limit } };
    case 'offset':
      return { offset: { input: encodeRelation(plan.input), offset: plan.offset } };
    case 'deduplicate':
      return {
        deduplicate: plan.allColumns
          ? { input: encodeRelation(plan.input), all_columns_as_keys: true }
          : { input: encodeRelation(plan.input), column_names: [...plan.columnNames] },
      };
    case 'sql': {
      const named = Object.entries(plan.namedArgs).map(([k, e]) => [k, encodeExpression(e)] as const);
      return {
        sql: {
          query: plan.query,
          named_arguments: Object.fromEntries(named),
          pos_arguments: plan.posArgs.map(encodeExpression),
        },
      };
    }
    case 'showString':
      return {
        show_string: {
          input: encodeRelation(plan.input),
          num_rows: plan.numRows,
          truncate: plan.truncate,
          vertical: plan.vertical,
        },
      };
    case 'localRelation': {
      const local: NonNullable<RelationProto['local_relation']> = {};
      if (plan.batch !== undefined) local.data = encodeArrowBatch(plan.batch, 'UTC');
      if (plan.schema !== undefined) {
        local.schema = typeof plan.schema === 'string' ? plan.schema : dataTypeToJsonString(plan.schema);
      }
      return { local_relation: local };
    }
    case 'range': {
      const range: NonNullable<RelationProto['range']> = { start: plan.start, end: plan.end, step: plan.step };
      if (plan.numPartitions !== undefined) range.num_partitions = plan.numPartitions;
      return { range };
    }
    case 'subqueryAlias':
      return { subquery_alias: { input: encodeRelation(plan.input), alias: plan.alias } };
    case 'toDF':
      return { to_df: { input: encodeRelation(plan.input), column_names: [...plan.columnNames] } };
    case 'union':
      return encodeUnion(plan.inputs, plan.byName, plan.allowMissingColumns);
    case 'inlineTable':
      // Only the SQL parser builds inline tables; Spark Connect carries them as SQL text.
      throw invalidPlan('An inline table (SQL VALUES) has no Spark Connect relation; send the SQL text instead.');
    case 'join':
      return encodeRelational(plan, encodeRelation);
    default: {
      const never: never = plan;
      throw invalidPlan(`Cannot encode plan ${JSON.stringify(never)}.`);
    }
  }
}

/** Spark Connect's set operation is binary: n inputs become a left-deep chain of UNION ALLs. */
function encodeUnion(inputs: readonly LogicalPlan[], byName: boolean, allowMissingColumns: boolean): RelationProto {
  const [first, ...rest] = inputs;
  if (first === undefined) throw invalidPlan('A union needs at least one input.');
  let acc = encodeRelation(first);
  if (rest.length === 0) return acc;
  for (const next of rest) {
    const op: RelationProto = {
      set_op: {
        left_input: acc,
        right_input: encodeRelation(next),
        set_op_type: 'SET_OP_TYPE_UNION',
        is_all: true,
        by_name: byName,
        allow_missing_columns: allowMissingColumns,
      },
    };
    acc = op;
  }
  return acc;
}
