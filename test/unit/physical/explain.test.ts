import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E } from '../../../engine/expr/expr.js';
import { attrString, intervalText, windowStructString } from '../../../engine/physical/explain/expr.js';
import type { LogicalPlan } from '../../../engine/plan/logical-plan.js';
import { T } from '../../../engine/types/data-type.js';
import { Q, intStream, windowedCount } from '../../stream/queries.js';
import { localRuntime, type LocalRuntime } from '../../support/local-runtime.js';

/**
 * The shapes of explain() beyond the seed queries (whose full texts are golden files in
 * test/client/golden/explain): Spark's operator names and argument formats, checked line by line
 * against what Spark 4.3 prints for the same queries.
 */
let env: LocalRuntime;
beforeAll(() => {
  env = localRuntime({ conf: { 'spark.sql.shuffle.partitions': '4' } });
});
afterAll(async () => {
  await env.close();
});

const sql = (query: string): LogicalPlan => ({ kind: 'sql', query, namedArgs: {}, posArgs: [] });
const lines = (text: string): string[] => text.split('\n');

describe('explain text pieces', () => {
  it('prints attributes, intervals and window structs as Spark does', () => {
    expect(attrString({ name: 'count', id: 9, type: T.long, delayMs: undefined })).toBe('count#9L');
    expect(attrString({ name: 'window', id: 15, type: T.string, delayMs: 5000 })).toBe('window#15-T5000ms');
    expect(intervalText(5000)).toBe('5 seconds');
    expect(intervalText(601_500)).toBe('10 minutes 1.5 seconds');
    expect(intervalText(7_200_000)).toBe('2 hours');
    expect(intervalText(0)).toBe('0 seconds');
    // Spark 4.3's text for window(timestamp, '10 seconds') over timestamp#0-T601500ms.
    expect(windowStructString('timestamp#0-T601500ms', T.timestamp, 10_000_000, 10_000_000, 0, 0)).toBe(
      'named_struct(start, knownnullable(precisetimestampconversion(((precisetimestampconversion(timestamp#0-T601500ms, TimestampType, LongType) - CASE WHEN (((precisetimestampconversion(timestamp#0-T601500ms, TimestampType, LongType) - 0) % 10000000) < 0) THEN (((precisetimestampconversion(timestamp#0-T601500ms, TimestampType, LongType) - 0) % 10000000) + 10000000) ELSE ((precisetimestampconversion(timestamp#0-T601500ms, TimestampType, LongType) - 0) % 10000000) END) - 0), LongType, TimestampType)), end, knownnullable(precisetimestampconversion((((precisetimestampconversion(timestamp#0-T601500ms, TimestampType, LongType) - CASE WHEN (((precisetimestampconversion(timestamp#0-T601500ms, TimestampType, LongType) - 0) % 10000000) < 0) THEN (((precisetimestampconversion(timestamp#0-T601500ms, TimestampType, LongType) - 0) % 10000000) + 10000000) ELSE ((precisetimestampconversion(timestamp#0-T601500ms, TimestampType, LongType) - 0) % 10000000) END) - 0) + 10000000), LongType, TimestampType)))',
    );
  });
});

describe('df.explain() of batch plans', () => {
  it('Range, Filter, Project: folded literals, formatted ids and details', () => {
    const plan = sql('SELECT id + 1 AS x FROM range(10) WHERE id > 3');
    expect(env.session.explain(plan, 'simple')).toBe(
      ['== Physical Plan ==', 'Project [(id#0L + 1) AS x#1L]', '+- Filter (id#0L > 3)', '   +- Range (0, 10, step=1, splits=1)', ''].join('\n'),
    );
    expect(env.session.explain(plan, 'formatted')).toBe(
      [
        '== Physical Plan ==',
        'Project (3)',
        '+- Filter (2)',
        '   +- Range (1)',
        '',
        '',
        '(1) Range',
        'Output [1]: [id#0L]',
        'Arguments: Range (0, 10, step=1, splits=Some(1))',
        '',
        '(2) Filter',
        'Input [1]: [id#0L]',
        'Condition : (id#0L > 3)',
        '',
        '(3) Project',
        'Output [1]: [(id#0L + 1) AS x#1L]',
        'Input [1]: [id#0L]',
        '',
        '',
      ].join('\n'),
    );
    const cost = env.session.explain(plan, 'cost');
    expect(lines(cost).slice(0, 4)).toEqual([
      '== Optimized Logical Plan ==',
      'Project [(id#0L + 1) AS x#1L], Statistics(sizeInBytes=80.0 B)',
      '+- Filter (id#0L > 3), Statistics(sizeInBytes=80.0 B)',
      '   +- Range (0, 10, step=1, splits=Some(1)), Statistics(sizeInBytes=80.0 B, rowCount=10)',
    ]);
  });

  it('extended: the analyzed plan keeps the casts the optimized plan folds', () => {
    const text = env.session.explain(sql('SELECT id FROM range(3) WHERE id > 1'), 'extended');
    expect(lines(text).filter((l) => l.startsWith('== '))).toEqual([
      '== Parsed Logical Plan ==',
      '== Analyzed Logical Plan ==',
      '== Optimized Logical Plan ==',
      '== Physical Plan ==',
    ]);
    expect(text).toContain('== Analyzed Logical Plan ==\nid: bigint\n');
    expect(text).toContain('Filter (id#0L > cast(1 as bigint))');
    expect(text).toContain('== Optimized Logical Plan ==\nFilter (id#0L > 1)\n');
  });

  it('sort, limit, union and a global aggregate', () => {
    expect(env.session.explain(sql('SELECT id FROM range(5) ORDER BY id DESC LIMIT 2'), 'simple')).toBe(
      ['== Physical Plan ==', 'CollectLimit 2', '+- Sort [id#0L DESC NULLS LAST], true, 0', '   +- Range (0, 5, step=1, splits=1)', ''].join('\n'),
    );
    expect(env.session.explain(sql('SELECT id FROM range(2) UNION ALL SELECT id FROM range(3)'), 'simple')).toBe(
      ['== Physical Plan ==', 'Union', ':- Range (0, 2, step=1, splits=1)', '+- Range (0, 3, step=1, splits=1)', ''].join('\n'),
    );
    const global = lines(env.session.explain(sql('SELECT count(*) AS n, max(id) AS m FROM range(4)'), 'extended'));
    expect(global).toContain('Aggregate [count(1) AS n#1L, max(id#0L) AS m#2L]');
    expect(global.slice(-4)).toEqual([
      'HashAggregate(keys=[], functions=[count(1), max(id#0L)], output=[n#1L, m#2L])',
      '+- HashAggregate(keys=[], functions=[partial_count(1), partial_max(id#0L)], output=[count#3L, max#4L])',
      '   +- Range (0, 4, step=1, splits=1)',
      '',
    ]);
  });
});

describe('df.explain() of streaming plans', () => {
  it('a tumbling window: Project over the NOT NULL filter, the watermark interval, Spark’s append defaults, the stages', () => {
    const stream = intStream();
    const text = env.session.explain(windowedCount(stream), 'simple');
    const body = lines(text);
    expect(body[0]).toBe('== Physical Plan ==');
    expect(body[1]).toBe('Project [cast(window#2-T10000ms.start as bigint) AS start#4L, count#3L]');
    expect(body[2]).toBe('+- HashAggregate(keys=[window#2-T10000ms], functions=[count(1)])');
    expect(body[3]).toBe(
      '   +- StateStoreSave [window#2-T10000ms], state info [ checkpoint = <unknown>, runId = <unknown>, opId = 0, ver = 0, numPartitions = 4], Append, -9223372036854775808, -9223372036854775808, 2',
    );
    expect(body[7]).toBe('               +- Exchange hashpartitioning(window#2-T10000ms, 4), REQUIRED_BY_STATEFUL_OPERATOR');
    expect(body[8]).toBe('                  +- HashAggregate(keys=[window#2-T10000ms], functions=[partial_count(1)])');
    expect(body[9]).toMatch(/^ {21}\+- Project \[value#0, eventTime#1-T10000ms, named_struct\(start, .* AS window#2-T10000ms\]$/);
    expect(body[10]).toBe('                        +- Filter isnotnull(eventTime#1-T10000ms)');
    expect(body[11]).toBe('                           +- EventTimeWatermark eventTime#1: timestamp, 10 seconds');
    expect(body[12]).toBe('                              +- Project [value#0, timestamp_seconds(value#0) AS eventTime#1]');
    expect(body[13]).toBe(`                                 +- StreamingRelation memory-stream, [value#0]`);
    expect(body.slice(15)).toEqual([
      'Stages:',
      '  Stage 0 (map, a task per source split): StreamingRelation, Project, EventTimeWatermark, Filter, Project, HashAggregate, Exchange',
      '  Stage 1 (reduce, a task per owner of the 4 state partitions, StateStore memory): HashAggregate, StateStoreRestore, HashAggregate, StateStoreSave, HashAggregate, Project',
      '',
    ]);
  });

  it('no aggregation: one map stage, no exchange; a global aggregation: a single-partition exchange', () => {
    const stream = intStream();
    const filtered: LogicalPlan = { kind: 'filter', input: Q.read(stream), condition: E.call('>', [E.col('value'), E.lit(3, T.integer)]) };
    expect(env.session.explain(filtered, 'simple')).toBe(
      [
        '== Physical Plan ==',
        'Filter (value#0 > 3)',
        '+- StreamingRelation memory-stream, [value#0]',
        '',
        'Stages:',
        '  Stage 0 (map, a task per source split): StreamingRelation, Filter',
        '',
      ].join('\n'),
    );
    const global = env.session.explain(Q.groupBy(Q.read(stream), [], [Q.count()]), 'simple');
    expect(global).toContain('\n+- StateStoreSave state info [ checkpoint = <unknown>');
    expect(global).toContain('\n            +- Exchange SinglePartition, ENSURE_REQUIREMENTS\n');
  });

  it('a stream–static join: the stages are the planner’s, following the stream whichever side it is on', () => {
    const stream = intStream();
    const lookup = sql('SELECT id AS value, id * 2 AS d FROM range(5)');
    for (const [left, right] of [
      [Q.read(stream), lookup],
      [lookup, Q.read(stream)],
    ] as const) {
      const join: LogicalPlan = { kind: 'join', left, right, joinType: 'inner', usingColumns: ['value'] };
      const text = env.session.explain(join, 'simple');
      // The static side (Range, Project) is evaluated by the driver for every batch, outside the stages.
      expect(lines(text).slice(-3)).toEqual(['Stages:', '  Stage 0 (map, a task per source split): StreamingRelation, BroadcastHashJoin, Project', '']);
    }
  });
});
