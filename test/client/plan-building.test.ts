import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeRelation, type ExpressionProto, type RelationProto } from '../../engine/connect/index.js';
import { T } from '../../engine/types/data-type.js';
import type { Column } from '../../client/column.js';
import { F, SparkSession, type DataFrame } from '../../client/index.js';

/**
 * The notebook's DataFrames must encode to exactly the relations PySpark sends
 * (spark-connect-subset.md §3). Plan ids are relative to the first node of each test.
 */
const attr = (name: string, planId?: number): ExpressionProto => ({
  unresolved_attribute: planId === undefined ? { unparsed_identifier: name } : { unparsed_identifier: name, plan_id: planId },
});
const fn = (name: string, ...args: ExpressionProto[]): ExpressionProto => ({
  unresolved_function: { function_name: name, arguments: args, is_distinct: false },
});
const str = (s: string): ExpressionProto => ({ literal: { string: s } });
const int = (n: number): ExpressionProto => ({ literal: { integer: n } });
const rel = (df: DataFrame): RelationProto => encodeRelation(df.plan);

let spark: SparkSession;

beforeAll(async () => {
  // No options: create() sends nothing, and nothing here runs an action.
  spark = await SparkSession.builder().remote('sc://127.0.0.1:9/').create();
});

afterAll(async () => {
  await spark.stop();
});

describe('the streaming-exercise notebook, as PySpark encodes it', () => {
  it('builds every relation with fresh, increasing plan ids and the §3 shapes', () => {
    const lines = spark.readStream.format('socket').option('host', 'localhost').option('port', 9999).load();
    const base = lines.planId;
    const words = lines.select(F.explode(F.split(lines.col('value'), ' ')).alias('word'));
    const wwt = words.withColumn('timestamp', F.current_timestamp()).withWatermark('timestamp', '5 seconds');
    const catpm = wwt
      .groupBy(F.window('timestamp', '60 seconds', '5 seconds'), 'word')
      .agg(F.count('word').alias('cats per minute'))
      .drop('word');
    const wordCounts = wwt.groupBy(F.window('timestamp', '60 seconds', '30 seconds'), 'word').count();

    const expLines: RelationProto = {
      common: { plan_id: base },
      read: { data_source: { format: 'socket', schema: '', options: { host: 'localhost', port: '9999' }, paths: [] }, is_streaming: true },
    };
    const expWords: RelationProto = {
      common: { plan_id: base + 1 },
      project: {
        input: expLines,
        expressions: [{ alias: { expr: fn('explode', fn('split', attr('value', base), str(' '), int(-1))), name: ['word'] } }],
      },
    };
    const expWwt: RelationProto = {
      common: { plan_id: base + 3 },
      with_watermark: {
        input: { common: { plan_id: base + 2 }, with_columns: { input: expWords, aliases: [{ expr: fn('current_timestamp'), name: ['timestamp'] }] } },
        event_time: 'timestamp',
        delay_threshold: '5 seconds',
      },
    };
    expect(rel(lines)).toEqual(expLines);
    expect(rel(words)).toEqual(expWords);
    expect(rel(wwt)).toEqual(expWwt);
    expect(rel(catpm)).toEqual({
      common: { plan_id: base + 5 },
      drop: {
        input: {
          common: { plan_id: base + 4 },
          aggregate: {
            input: expWwt,
            group_type: 'GROUP_TYPE_GROUPBY',
            grouping_expressions: [fn('window', attr('timestamp'), str('60 seconds'), str('5 seconds')), attr('word')],
            aggregate_expressions: [{ alias: { expr: fn('count', attr('word')), name: ['cats per minute'] } }],
          },
        },
        columns: [],
        column_names: ['word'],
      },
    });
    expect(rel(wordCounts)).toEqual({
      common: { plan_id: base + 6 },
      aggregate: {
        input: expWwt,
        group_type: 'GROUP_TYPE_GROUPBY',
        grouping_expressions: [fn('window', attr('timestamp'), str('60 seconds'), str('30 seconds')), attr('word')],
        aggregate_expressions: [{ alias: { expr: fn('count', int(1)), name: ['count'] } }],
      },
    });
  });

  it('window() sends 2, 3 or 4 arguments; a start time alone repeats the duration as slide', () => {
    const args = (c: Column): ExpressionProto[] => (rel(spark.range(1).select(c)).project?.expressions?.[0]?.unresolved_function?.arguments ?? []);
    expect(args(F.window('t', '1 minute'))).toEqual([attr('t'), str('1 minute')]);
    expect(args(F.window('t', '1 minute', '10 seconds'))).toEqual([attr('t'), str('1 minute'), str('10 seconds')]);
    expect(args(F.window('t', '1 minute', undefined, '5 seconds'))).toEqual([attr('t'), str('1 minute'), str('1 minute'), str('5 seconds')]);
    expect(args(F.window('t', '1 minute', '10 seconds', '5 seconds'))).toEqual([attr('t'), str('1 minute'), str('10 seconds'), str('5 seconds')]);
  });

  it('drop() sends names as column_names and Columns as columns', () => {
    const df = spark.range(3);
    expect(rel(df.drop('id', df.col('x'))).drop).toEqual({
      input: rel(df),
      columns: [attr('x', df.planId)],
      column_names: ['id'],
    });
  });
});

describe('batch DataFrame plans', () => {
  it('range, filter (Column and SQL text), orderBy with ascending flags, limit', () => {
    const df = spark.range(0, 10, 2);
    const base = df.planId;
    const q = df.filter(df.col('id').gt(2)).where('id < 8').orderBy('id', F.col('x'), { ascending: [false, true] }).limit(3);
    expect(rel(q)).toEqual({
      common: { plan_id: base + 4 },
      limit: {
        limit: 3,
        input: {
          common: { plan_id: base + 3 },
          sort: {
            is_global: true,
            order: [
              { child: attr('id'), direction: 'SORT_DIRECTION_DESCENDING', null_ordering: 'SORT_NULLS_LAST' },
              { child: attr('x'), direction: 'SORT_DIRECTION_ASCENDING', null_ordering: 'SORT_NULLS_FIRST' },
            ],
            input: {
              common: { plan_id: base + 2 },
              filter: {
                condition: { expression_string: { expression: 'id < 8' } },
                input: {
                  common: { plan_id: base + 1 },
                  filter: { condition: fn('>', attr('id', base), int(2)), input: { common: { plan_id: base }, range: { start: 0, end: 10, step: 2 } } },
                },
              },
            },
          },
        },
      },
    });
  });

  it('GroupedData: agg dict, count, sum with names; distinct; union', () => {
    const df = spark.range(5);
    const g = df.groupBy('id');
    expect(rel(g.agg({ id: 'max' })).aggregate?.aggregate_expressions).toEqual([fn('max', attr('id'))]);
    expect(rel(g.sum('id')).aggregate?.aggregate_expressions).toEqual([fn('sum', attr('id'))]);
    expect(rel(g.avg('id')).aggregate?.aggregate_expressions).toEqual([fn('avg', attr('id'))]);
    expect(rel(g.mean('id')).aggregate?.aggregate_expressions).toEqual([fn('avg', attr('id'))]);
    expect(rel(g.min('id')).aggregate?.aggregate_expressions).toEqual([fn('min', attr('id'))]);
    expect(rel(g.max('id')).aggregate?.aggregate_expressions).toEqual([fn('max', attr('id'))]);
    expect(rel(df.groupBy().count()).aggregate?.grouping_expressions).toEqual([]);
    expect(rel(df.distinct()).deduplicate).toEqual({ input: rel(df), all_columns_as_keys: true });
    expect(rel(df.dropDuplicates(['id'])).deduplicate).toEqual({ input: rel(df), column_names: ['id'] });
    const u = df.union(spark.range(2));
    expect(rel(u).set_op).toMatchObject({ set_op_type: 'SET_OP_TYPE_UNION', is_all: true, by_name: false });
  });

  it('createDataFrame sends a LocalRelation with Arrow data and the schema', () => {
    const schema = T.struct([T.field('word', T.string), T.field('n', T.long)]);
    const df = spark.createDataFrame([['cat', 2], { word: 'dog', n: 3 }], schema);
    const local = rel(df).local_relation;
    expect(local?.schema).toContain('"word"');
    expect(local?.data).toBeInstanceOf(Uint8Array);
  });

  it('selectExpr, withColumnsRenamed, toDF, alias', () => {
    const df = spark.range(1);
    expect(rel(df.selectExpr('id + 1 AS x')).project?.expressions).toEqual([{ expression_string: { expression: 'id + 1 AS x' } }]);
    expect(rel(df.withColumnRenamed('id', 'n')).with_columns_renamed?.renames).toEqual([{ col_name: 'id', new_col_name: 'n' }]);
    expect(rel(df.toDF('a')).to_df?.column_names).toEqual(['a']);
    expect(rel(df.alias('t')).subquery_alias?.alias).toBe('t');
  });
});
