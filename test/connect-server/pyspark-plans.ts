import type { Expression } from '../../proto/generated/spark/connect/Expression.js';
import type { Plan } from '../../proto/generated/spark/connect/Plan.js';
import type { Relation } from '../../proto/generated/spark/connect/Relation.js';

/**
 * The notebook's relations exactly as PySpark 4.x builds them (spark-connect-subset.md §3): a plan
 * id on every node, origins on Column-method expressions, string option values, the stream
 * reader's present-but-empty schema.
 */
const origin = (fragment: string): Expression['common'] => ({
  origin: { python_origin: { fragment, call_site: '/tmp/ipykernel_1/123.py:4' } },
});
export const attr = (name: string, planId?: number): Expression => ({
  unresolved_attribute:
    planId === undefined ? { unparsed_identifier: name, is_metadata_column: false } : { unparsed_identifier: name, plan_id: planId, is_metadata_column: false },
});
export const fn = (name: string, ...args: Expression[]): Expression => ({
  unresolved_function: { function_name: name, arguments: args, is_distinct: false },
});
export const str = (s: string): Expression => ({ literal: { string: s } });
export const int = (n: number): Expression => ({ literal: { integer: n } });

export function socketLines(port: number): Relation {
  return {
    common: { plan_id: 0 },
    read: { data_source: { format: 'socket', schema: '', options: { host: '127.0.0.1', port: String(port) } }, is_streaming: true },
  };
}

export function wordCounts(port: number): Relation {
  const words: Relation = {
    common: { plan_id: 1 },
    project: {
      input: socketLines(port),
      expressions: [{ common: origin('alias'), alias: { expr: fn('explode', fn('split', attr('value', 0), str(' '), int(-1))), name: ['word'] } }],
    },
  };
  const withTime: Relation = {
    common: { plan_id: 2 },
    with_columns: { input: words, aliases: [{ expr: fn('current_timestamp'), name: ['timestamp'] }] },
  };
  const watermarked: Relation = {
    common: { plan_id: 3 },
    with_watermark: { input: withTime, event_time: 'timestamp', delay_threshold: '5 seconds' },
  };
  return {
    common: { plan_id: 6 },
    aggregate: {
      input: watermarked,
      group_type: 'GROUP_TYPE_GROUPBY',
      grouping_expressions: [fn('window', attr('timestamp'), str('60 seconds'), str('30 seconds')), attr('word')],
      aggregate_expressions: [{ alias: { expr: fn('count', int(1)), name: ['count'] } }],
    },
  };
}

export const sql = (query: string, planId = 20): Relation => ({ common: { plan_id: planId }, sql: { query } });

export const root = (relation: Relation): Plan => ({ root: relation });

export const sqlCommand = (query: string): Plan => ({ command: { sql_command: { input: sql(query) } } });

export const queryCommand = (queryId: { id: string; run_id: string }, choice: Record<string, unknown>): Plan => ({
  command: { streaming_query_command: { query_id: queryId, ...choice } },
});

export const managerCommand = (choice: Record<string, unknown>): Plan => ({ command: { streaming_query_manager_command: choice } });

export const showString = (input: Relation, planId = 30): Relation => ({
  common: { plan_id: planId },
  show_string: { input, num_rows: 20, truncate: 20, vertical: false },
});
