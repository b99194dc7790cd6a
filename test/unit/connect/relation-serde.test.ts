import { describe, expect, it } from 'vitest';
import { decodeRelation, encodeRelation } from '../../../engine/connect/index.js';
import type { RelationMsg, RelationProto } from '../../../engine/connect/index.js';
import { batchFromRows, batchToRows } from '../../../engine/batch/record-batch.js';
import { AnalysisError, NotSupportedError } from '../../../engine/errors/errors.js';
import { E } from '../../../engine/expr/expr.js';
import type { LogicalPlan } from '../../../engine/plan/logical-plan.js';
import { withPlanId } from '../../../engine/plan/plan-nodes.js';
import { T } from '../../../engine/types/data-type.js';
import { schemaOf } from '../../../engine/types/schema.js';
import { loadSparkConnect } from '../../../proto/load.js';

const Relation = loadSparkConnect().spark.connect.Relation;

/** Through real protobuf bytes, as the server receives it. */
function wire(rel: RelationProto): RelationMsg {
  return Relation.deserialize(Relation.serialize(rel));
}

function roundTrip(plan: LogicalPlan): LogicalPlan {
  return decodeRelation(wire(encodeRelation(plan)));
}

const socket: LogicalPlan = withPlanId(
  {
    kind: 'read',
    source: { type: 'dataSource', format: 'socket', options: { host: 'localhost', port: '9999' }, paths: [] },
    isStreaming: true,
  },
  0,
);
const word = E.col('word');

describe('relation round trips (encodeRelation → protobuf bytes → decodeRelation)', () => {
  const cases: Record<string, LogicalPlan> = {
    'read data source with schema': {
      kind: 'read',
      source: { type: 'dataSource', format: 'csv', options: { header: 'true' }, schema: 'a INT, b STRING', paths: ['/x', '/y'] },
      isStreaming: false,
    },
    'read named table': { kind: 'read', source: { type: 'namedTable', name: 'db.t', options: { k: 'v' } }, isStreaming: true },
    project: withPlanId({ kind: 'project', input: socket, exprs: [E.alias(E.col('value', 0), 'line'), E.star()] }, 1),
    filter: { kind: 'filter', input: socket, condition: E.call('>', [E.call('length', [E.col('value')]), E.lit(3, T.integer)]) },
    aggregate: {
      kind: 'aggregate',
      input: socket,
      groupType: 'groupby',
      grouping: [E.call('window', [E.col('timestamp'), E.lit('60 seconds', T.string)]), word],
      aggregates: [E.alias(E.call('count', [E.lit(1, T.integer)]), 'count')],
    },
    'with columns (incl. metadata)': {
      kind: 'withColumns',
      input: socket,
      columns: [
        { name: 'timestamp', expr: E.call('current_timestamp', []) },
        { name: 'm', expr: Object.freeze({ ...E.alias(word, 'm'), metadata: { comment: 'hi' } }) },
      ],
    },
    'with columns renamed': { kind: 'withColumnsRenamed', input: socket, renames: [{ from: 'value', to: 'line' }] },
    'with watermark': { kind: 'withWatermark', input: socket, eventTime: 'timestamp', delay: '5 seconds' },
    drop: { kind: 'drop', input: socket, columns: [E.col('a', 0)], columnNames: ['word'] },
    sort: { kind: 'sort', input: socket, order: [E.sortOrder(word, false, true), E.sortOrder(E.col('n'))], isGlobal: true },
    limit: { kind: 'limit', input: socket, limit: 20 },
    offset: { kind: 'offset', input: socket, offset: 5 },
    'deduplicate all': { kind: 'deduplicate', input: socket, columnNames: [], allColumns: true },
    'deduplicate subset': { kind: 'deduplicate', input: socket, columnNames: ['word'], allColumns: false },
    'sql with named args': {
      kind: 'sql',
      query: 'SELECT * FROM t WHERE n > :n',
      namedArgs: { n: E.lit(3, T.integer) },
      posArgs: [],
    },
    'sql with positional args': { kind: 'sql', query: 'SELECT ?', namedArgs: {}, posArgs: [E.lit('x', T.string)] },
    'show string': withPlanId({ kind: 'showString', input: socket, numRows: 20, truncate: 20, vertical: false }, 7),
    range: { kind: 'range', start: -5, end: 2 ** 40, step: 3, numPartitions: 4 },
    'subquery alias': { kind: 'subqueryAlias', input: socket, alias: 'lines' },
    'to df': { kind: 'toDF', input: socket, columnNames: ['line'] },
    'union by name': { kind: 'union', inputs: [socket, socket], byName: true, allowMissingColumns: true },
    'union by position': { kind: 'union', inputs: [socket, socket], byName: false, allowMissingColumns: false },
  };
  for (const [name, plan] of Object.entries(cases)) {
    it(name, () => expect(roundTrip(plan)).toEqual(plan));
  }

  it('local relation: Arrow data and schema string', () => {
    const schema = schemaOf([T.field('name', T.string), T.field('n', T.long), T.field('at', T.timestamp)]);
    const rows = [
      ['a', 1, 1_700_000_000_000_000],
      [null, -2, null],
    ];
    const plan: LogicalPlan = { kind: 'localRelation', batch: batchFromRows(schema, rows), schema: 'name STRING, n BIGINT, at TIMESTAMP' };
    const back = roundTrip(plan);
    if (back.kind !== 'localRelation' || back.batch === undefined) throw new Error(`unexpected ${back.kind}`);
    expect(back.schema).toBe('name STRING, n BIGINT, at TIMESTAMP');
    expect(batchToRows(back.batch)).toEqual(rows);
    expect(back.batch.schema).toEqual(schema);
  });

  it('local relation with a schema only', () => {
    const plan: LogicalPlan = { kind: 'localRelation', batch: undefined, schema: 'a INT' };
    expect(roundTrip(plan)).toEqual(plan);
  });

  it('a union of three inputs becomes a left-deep chain of binary unions', () => {
    const plan: LogicalPlan = { kind: 'union', inputs: [socket, socket, socket], byName: false, allowMissingColumns: false };
    const rel = wire(encodeRelation(plan));
    expect(rel.set_op?.left_input?.rel_type).toBe('set_op');
    const back = decodeRelation(rel);
    expect(back).toEqual({
      kind: 'union',
      inputs: [{ kind: 'union', inputs: [socket, socket], byName: false, allowMissingColumns: false }, socket],
      byName: false,
      allowMissingColumns: false,
    });
  });
});

describe('decodeRelation details', () => {
  it('reads both rename forms of with_columns_renamed (old map field 2, new renames field 3)', () => {
    const input = encodeRelation(socket);
    const old = decodeRelation(wire({ with_columns_renamed: { input, rename_columns_map: { value: 'line' } } }));
    const renamed = decodeRelation(
      wire({ with_columns_renamed: { input, renames: [{ col_name: 'value', new_col_name: 'line' }, { col_name: 'x', new_col_name: 'y' }] } }),
    );
    expect(old).toMatchObject({ kind: 'withColumnsRenamed', renames: [{ from: 'value', to: 'line' }] });
    expect(renamed).toMatchObject({
      kind: 'withColumnsRenamed',
      renames: [
        { from: 'value', to: 'line' },
        { from: 'x', to: 'y' },
      ],
    });
  });

  it('treats SQL UNION (is_all = false) as a distinct union', () => {
    const input = encodeRelation(socket);
    const plan = decodeRelation(
      wire({ common: { plan_id: 4 }, set_op: { left_input: input, right_input: input, set_op_type: 'SET_OP_TYPE_UNION', is_all: false } }),
    );
    expect(plan).toMatchObject({ kind: 'deduplicate', allColumns: true, planId: 4, input: { kind: 'union', byName: false } });
  });

  it('reads deprecated SQL args and positional literals', () => {
    const plan = decodeRelation(wire({ sql: { query: 'SELECT :a', args: { a: { integer: 1 } } } }));
    expect(plan).toEqual({ kind: 'sql', query: 'SELECT :a', namedArgs: { a: E.lit(1, T.integer) }, posArgs: [] });
    const pos = decodeRelation(wire({ sql: { query: 'SELECT ?', pos_args: [{ string: 'x' }] } }));
    expect(pos).toMatchObject({ posArgs: [E.lit('x', T.string)] });
  });

  it('projects without an input over one empty row (SELECT 1)', () => {
    const plan = decodeRelation(wire({ project: { expressions: [{ literal: { integer: 1 } }] } }));
    if (plan.kind !== 'project' || plan.input.kind !== 'localRelation') throw new Error('expected a project over a local relation');
    expect(plan.input.batch?.numRows).toBe(1);
    expect(plan.input.batch?.schema.fields).toEqual([]);
  });

  it('names unsupported relation kinds', () => {
    const err = catchError(() => decodeRelation(wire({ common: { plan_id: 3 }, unpivot: {} })));
    expect(err).toBeInstanceOf(NotSupportedError);
    expect((err as Error).message).toContain('This oneOf field message in spark.connect.Relation is not supported: UNPIVOT(25)');
    expect((err as NotSupportedError).errorClass).toBe('CONNECT_INVALID_PLAN.INVALID_ONE_OF_FIELD_NOT_SUPPORTED');
    expect((err as NotSupportedError).sqlState).toBe('56K00');
    expect(() => decodeRelation(wire({ repartition: {} }))).toThrow(/REPARTITION\(17\)/);
    expect(() => decodeRelation(wire({ catalog: {} }))).toThrow(/CATALOG\(200\)/);
    expect(() => decodeRelation(wire({ crosstab: {} }))).toThrow(/CROSSTAB\(101\)/);
  });

  it('reports a relation with no kind (or a kind newer than our protos) as an invalid plan, like Spark', () => {
    // Field 60 of Relation: unknown to Kindling, so it is dropped and no kind is left.
    const rel = Relation.deserialize(Buffer.from([0xe2, 0x03, 0x00]));
    const err = catchError(() => decodeRelation(rel));
    expect(err).toBeInstanceOf(AnalysisError);
    expect((err as AnalysisError).errorClass).toBe('CONNECT_INVALID_PLAN.INVALID_ONE_OF_FIELD_NOT_SET');
    expect((err as Error).message).toBe(
      '[CONNECT_INVALID_PLAN.INVALID_ONE_OF_FIELD_NOT_SET] The Spark Connect plan is invalid. This oneOf field in spark.connect.Relation is not set: RELTYPE_NOT_SET SQLSTATE: 56K00',
    );
  });

  it('rejects unsupported aggregate group types and set operations by name', () => {
    const input = encodeRelation(socket);
    expect(decodeRelation(wire({ aggregate: { input, group_type: 'GROUP_TYPE_ROLLUP' } }))).toMatchObject({ kind: 'aggregate', groupType: 'rollup' });
    expect(() => decodeRelation(wire({ aggregate: { input, group_type: 'GROUP_TYPE_PIVOT' } }))).toThrow(/pivot column/);
    expect(() => decodeRelation(wire({ aggregate: { input } }))).toThrow(AnalysisError);
    expect(() =>
      decodeRelation(wire({ set_op: { left_input: input, right_input: input, set_op_type: 'SET_OP_TYPE_INTERSECT' } })),
    ).toThrow(/Set operation type 'intersect'/);
    expect(() => decodeRelation(wire({ deduplicate: { input, all_columns_as_keys: true, within_watermark: true } }))).toThrow(
      NotSupportedError,
    );
  });

  it('rejects malformed relations with analysis errors', () => {
    const input = encodeRelation(socket);
    expect(() => decodeRelation(wire({ filter: { condition: { literal: { boolean: true } } } }))).toThrow('Filter needs a plan input.');
    expect(() => decodeRelation(wire({ filter: { input } }))).toThrow('Filter needs a condition.');
    expect(() => decodeRelation(wire({ limit: { limit: 1 } }))).toThrow(AnalysisError);
    expect(() => decodeRelation(wire({ read: { is_streaming: true } }))).toThrow(/READTYPE_NOT_SET/);
    expect(() => decodeRelation(wire({ deduplicate: { input } }))).toThrow(/either deduplicate on all columns or a subset/);
    expect(() =>
      decodeRelation(wire({ with_columns: { input, aliases: [{ expr: { literal: { integer: 1 } }, name: ['a', 'b'] }] } })),
    ).toThrow(/one name part/);
  });
});

function catchError(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}
