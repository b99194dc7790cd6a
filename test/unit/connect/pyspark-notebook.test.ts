import { describe, expect, it } from 'vitest';
import { decodeRelation, type ExpressionProto, type RelationMsg, type RelationProto } from '../../../engine/connect/index.js';
import { NotSupportedError } from '../../../engine/errors/errors.js';
import { E } from '../../../engine/expr/expr.js';
import { T } from '../../../engine/types/data-type.js';
import { loadSparkConnect, sparkConnectServiceDefinition } from '../../../proto/load.js';

/**
 * Relations shaped exactly as PySpark 4.x sends them for the streaming-exercise notebook
 * (spark-connect-subset.md §3): plan ids on every node, origins on Column-method expressions,
 * option values as strings, the stream reader's present-but-empty schema.
 */
const origin = (fragment: string): ExpressionProto['common'] => ({
  origin: { python_origin: { fragment, call_site: '/tmp/ipykernel_1/123.py:4' } },
});
const attr = (name: string, planId?: number): ExpressionProto => ({
  unresolved_attribute:
    planId === undefined
      ? { unparsed_identifier: name, is_metadata_column: false }
      : { unparsed_identifier: name, plan_id: planId, is_metadata_column: false },
});
const fn = (name: string, ...args: ExpressionProto[]): ExpressionProto => ({
  unresolved_function: { function_name: name, arguments: args, is_distinct: false },
});
const str = (s: string): ExpressionProto => ({ literal: { string: s } });
const int = (n: number): ExpressionProto => ({ literal: { integer: n } });

const lines: RelationProto = {
  common: { plan_id: 0 },
  read: { data_source: { format: 'socket', schema: '', options: { host: 'localhost', port: '9999' } }, is_streaming: true },
};
const words: RelationProto = {
  common: { plan_id: 1 },
  project: {
    input: lines,
    expressions: [
      {
        common: origin('alias'),
        alias: { expr: fn('explode', fn('split', attr('value', 0), str(' '), int(-1))), name: ['word'] },
      },
    ],
  },
};
const withTime: RelationProto = {
  common: { plan_id: 2 },
  with_columns: { input: words, aliases: [{ expr: fn('current_timestamp'), name: ['timestamp'] }] },
};
const watermarked: RelationProto = {
  common: { plan_id: 3 },
  with_watermark: { input: withTime, event_time: 'timestamp', delay_threshold: '5 seconds' },
};
const catpm: RelationProto = {
  common: { plan_id: 5 },
  drop: {
    input: {
      common: { plan_id: 4 },
      aggregate: {
        input: watermarked,
        group_type: 'GROUP_TYPE_GROUPBY',
        grouping_expressions: [fn('window', attr('timestamp'), str('60 seconds'), str('5 seconds')), attr('word')],
        aggregate_expressions: [{ common: origin('alias'), alias: { expr: fn('count', attr('word')), name: ['cats per minute'] } }],
      },
    },
    column_names: ['word'],
  },
};
const wordCounts: RelationProto = {
  common: { plan_id: 6 },
  aggregate: {
    input: watermarked,
    group_type: 'GROUP_TYPE_GROUPBY',
    grouping_expressions: [fn('window', attr('timestamp'), str('60 seconds'), str('30 seconds')), attr('word')],
    aggregate_expressions: [{ alias: { expr: fn('count', int(1)), name: ['count'] } }],
  },
};

const proto = loadSparkConnect().spark.connect;
const wire = (rel: RelationProto): RelationMsg => proto.Relation.deserialize(proto.Relation.serialize(rel));

const expectedLines = {
  kind: 'read',
  source: { type: 'dataSource', format: 'socket', options: { host: 'localhost', port: '9999' }, paths: [] },
  isStreaming: true,
  planId: 0,
};
const expectedWords = {
  kind: 'project',
  planId: 1,
  input: expectedLines,
  exprs: [E.alias(E.call('explode', [E.call('split', [E.col('value', 0), E.lit(' ', T.string), E.lit(-1, T.integer)])]), 'word')],
};
const expectedWatermarked = {
  kind: 'withWatermark',
  planId: 3,
  eventTime: 'timestamp',
  delay: '5 seconds',
  input: { kind: 'withColumns', planId: 2, input: expectedWords, columns: [{ name: 'timestamp', expr: E.call('current_timestamp', []) }] },
};

describe('decoding the notebook plans PySpark sends', () => {
  it('socket read: schema "" means no schema, option values stay strings', () => {
    const plan = decodeRelation(wire(lines));
    expect(plan).toEqual(expectedLines);
    expect('schema' in (plan.kind === 'read' ? plan.source : {})).toBe(false);
  });

  it('select(explode(split(lines.value, " ")).alias("word"))', () => {
    expect(decodeRelation(wire(words))).toEqual(expectedWords);
  });

  it('withColumn("timestamp", current_timestamp()).withWatermark("timestamp", "5 seconds")', () => {
    expect(decodeRelation(wire(watermarked))).toEqual(expectedWatermarked);
  });

  it('groupby(window(...), "word").agg(count("word").alias(...)).drop("word")', () => {
    expect(decodeRelation(wire(catpm))).toEqual({
      kind: 'drop',
      planId: 5,
      columns: [],
      columnNames: ['word'],
      input: {
        kind: 'aggregate',
        planId: 4,
        input: expectedWatermarked,
        groupType: 'groupby',
        grouping: [E.call('window', [E.col('timestamp'), E.lit('60 seconds', T.string), E.lit('5 seconds', T.string)]), E.col('word')],
        aggregates: [E.alias(E.call('count', [E.col('word')]), 'cats per minute')],
      },
    });
  });

  it('groupBy(window(...), "word").count() inside write_stream_operation_start, through ExecutePlan bytes', () => {
    const method = sparkConnectServiceDefinition().ExecutePlan;
    const request = {
      session_id: '6f1c1d3e-0000-4000-8000-000000000001',
      user_context: { user_id: 'jovyan' },
      operation_id: '6f1c1d3e-0000-4000-8000-000000000002',
      client_type: '_SPARK_CONNECT_PYTHON spark/4.2.0 os/linux python/3.12.1',
      request_options: [{ result_chunking_options: { allow_arrow_batch_chunking: true } }, { reattach_options: { reattachable: true } }],
      plan: {
        command: {
          write_stream_operation_start: {
            input: wordCounts,
            format: 'memory',
            output_mode: 'complete',
            query_name: 'wordcounts',
          },
        },
      },
    };
    const received = method.requestDeserialize(method.requestSerialize(request));
    expect(received.plan?.op_type).toBe('command');
    const start = received.plan?.command?.write_stream_operation_start;
    expect(start?.trigger).toBeUndefined();
    expect(start?.query_name).toBe('wordcounts');
    const input = start?.input;
    if (!input) throw new Error('no input');
    expect(decodeRelation(input)).toEqual({
      kind: 'aggregate',
      planId: 6,
      input: expectedWatermarked,
      groupType: 'groupby',
      grouping: [E.call('window', [E.col('timestamp'), E.lit('60 seconds', T.string), E.lit('30 seconds', T.string)]), E.col('word')],
      aggregates: [E.alias(E.call('count', [E.lit(1, T.integer)]), 'count')],
    });
  });

  it('spark.sql(...) as a SqlCommand input, then show() as ShowString on the echoed relation', () => {
    const sqlRel: RelationProto = { common: { plan_id: 9 }, sql: { query: 'SELECT window.end, * FROM wordcounts' } };
    const command = proto.Command.deserialize(proto.Command.serialize({ sql_command: { input: sqlRel } }));
    expect(command.command_type).toBe('sql_command');
    const input = command.sql_command?.input;
    if (!input) throw new Error('no input');
    expect(decodeRelation(input)).toEqual({
      kind: 'sql',
      planId: 9,
      query: 'SELECT window.end, * FROM wordcounts',
      namedArgs: {},
      posArgs: [],
    });

    const show: RelationProto = {
      common: { plan_id: 11 },
      show_string: { input: { ...sqlRel, common: { plan_id: 10 } }, num_rows: 20, truncate: 20, vertical: false },
    };
    expect(decodeRelation(wire(show))).toEqual({
      kind: 'showString',
      planId: 11,
      numRows: 20,
      truncate: 20,
      vertical: false,
      input: { kind: 'sql', planId: 10, query: 'SELECT window.end, * FROM wordcounts', namedArgs: {}, posArgs: [] },
    });
  });

  it('decodes hand-built objects too (no virtual oneof fields, defaults missing)', () => {
    expect(decodeRelation(words as unknown as RelationMsg)).toEqual(expectedWords);
  });

  it('reports an unsupported relation deep inside the plan by name', () => {
    const joined: RelationProto = { common: { plan_id: 12 }, project: { input: { common: { plan_id: 13 }, unpivot: {} }, expressions: [] } };
    expect(() => decodeRelation(wire(joined))).toThrow(NotSupportedError);
    expect(() => decodeRelation(wire(joined))).toThrow(/spark\.connect\.Relation is not supported: UNPIVOT\(25\)/);
  });
});
