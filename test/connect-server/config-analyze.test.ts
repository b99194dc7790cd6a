import { status, type ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeArrowBatch } from '../../engine/arrow/index.js';
import { batchFromRows } from '../../engine/batch/record-batch.js';
import { T } from '../../engine/types/data-type.js';
import { schemaOf } from '../../engine/types/schema.js';
import type { Relation } from '../../proto/generated/spark/connect/Relation.js';
import { decodeError, startHarness, type ClientSession, type Harness } from './harness.js';
import { root, socketLines, sql } from './pyspark-plans.js';

const local: Relation = {
  common: { plan_id: 1 },
  local_relation: {
    data: Buffer.from(encodeArrowBatch(batchFromRows(schemaOf([T.field('a', T.long), T.field('b', T.string)]), [[1, 'x']]), 'UTC')),
  },
};

describe('Config', () => {
  let h: Harness;
  let s: ClientSession;

  beforeAll(async () => {
    h = await startHarness();
    s = h.session({ userId: 'alice' });
  });

  afterAll(async () => {
    await h.close();
  });

  it('answers one pair per key, in order, with no value for known keys without one', async () => {
    const res = await s.config({
      get: { keys: ['spark.sql.session.timeZone', 'spark.sql.streaming.checkpointLocation', 'spark.sql.shuffle.partitions'] },
    });
    expect(res.session_id).toBe(s.sessionId);
    expect(res.pairs.map((p) => [p.key, p.value])).toEqual([
      ['spark.sql.session.timeZone', 'UTC'],
      ['spark.sql.streaming.checkpointLocation', undefined],
      ['spark.sql.shuffle.partitions', '200'],
    ]);
  });

  it("a get of a key Spark does not know fails with SQL_CONF_NOT_FOUND (SparkNoSuchElementException)", async () => {
    const failed = await s.config({ get: { keys: ['spark.sql.session.timeZone', 'no.such.key'] } }).catch((e: unknown) => e);
    const e = decodeError(failed as ServiceError);
    expect(e.code).toBe(status.INTERNAL);
    expect(e.details).toBe('[SQL_CONF_NOT_FOUND] The SQL config "no.such.key" cannot be found. Please verify that the config exists. SQLSTATE: 42K0I');
    expect(e.info?.metadata['errorClass']).toBe('SQL_CONF_NOT_FOUND');
    expect(e.info?.metadata['sqlState']).toBe('42K0I');
    expect(JSON.parse(e.info?.metadata['messageParameters'] ?? '{}')).toEqual({ sqlConf: '"no.such.key"' });
    expect(JSON.parse(e.info?.metadata['classes'] ?? '[]')).toEqual([
      'org.apache.spark.SparkNoSuchElementException',
      'java.util.NoSuchElementException',
      'java.lang.RuntimeException',
      'java.lang.Exception',
      'java.lang.Throwable',
    ]);
  });

  it('set, get_with_default, get_option, get_all, unset, is_modifiable', async () => {
    const set = await s.config({ set: { pairs: [{ key: 'my.key', value: 'v1' }, { key: 'my.other', value: 'v2' }] } });
    expect(set.pairs).toEqual([]);
    expect(set.warnings).toEqual([]);
    const withDefault = await s.config({
      get_with_default: { pairs: [{ key: 'my.key', value: 'default' }, { key: 'unset.key', value: 'fallback' }, { key: 'none.key' }] },
    });
    expect(withDefault.pairs.map((p) => [p.key, p.value])).toEqual([
      ['my.key', 'v1'],
      ['unset.key', 'fallback'],
      ['none.key', undefined],
    ]);
    const option = await s.config({ get_option: { keys: ['my.other', 'nope'] } });
    expect(option.pairs.map((p) => p.value)).toEqual(['v2', undefined]);
    const all = await s.config({ get_all: { prefix: 'my.' } });
    expect(all.pairs.map((p) => [p.key, p.value])).toEqual([
      ['my.key', 'v1'],
      ['my.other', 'v2'],
    ]);
    await s.config({ unset: { keys: ['my.key'] } });
    expect((await s.config({ get_option: { keys: ['my.key'] } })).pairs[0]?.value).toBeUndefined();
    await expect(s.config({ get: { keys: ['my.key'] } })).rejects.toMatchObject({ details: expect.stringContaining('SQL_CONF_NOT_FOUND') });
    const modifiable = await s.config({ is_modifiable: { keys: ['spark.sql.shuffle.partitions', 'spark.sql.streaming.stateStore.providerClass'] } });
    expect(modifiable.pairs.map((p) => p.value)).toEqual(['true', 'false']);
    const loud = await s.config({ set: { pairs: [{ key: 'spark.sql.streaming.stateStore.providerClass', value: 'x' }] } });
    expect(loud.warnings).toHaveLength(1);
  });

  it('keeps settings per session', async () => {
    await s.config({ set: { pairs: [{ key: 'spark.sql.shuffle.partitions', value: '3' }] } });
    const other = h.session({ userId: 'alice' });
    expect((await other.config({ get: { keys: ['spark.sql.shuffle.partitions'] } })).pairs[0]?.value).toBe('200');
    expect((await s.config({ get: { keys: ['spark.sql.shuffle.partitions'] } })).pairs[0]?.value).toBe('3');
  });
});

describe('AnalyzePlan', () => {
  let h: Harness;
  let s: ClientSession;

  beforeAll(async () => {
    h = await startHarness();
    s = h.session();
  });

  afterAll(async () => {
    await h.close();
  });

  it('schema, tree_string, is_local, is_streaming, input_files', async () => {
    const schema = await s.analyze({ schema: { plan: root(local) } });
    expect(schema.session_id).toBe(s.sessionId);
    expect(schema.schema?.schema?.struct?.fields.map((f) => [f.name, f.data_type?.kind])).toEqual([
      ['a', 'long'],
      ['b', 'string'],
    ]);
    const tree = await s.analyze({ tree_string: { plan: root(local) } });
    expect(tree.tree_string?.tree_string).toBe('root\n |-- a: long (nullable = true)\n |-- b: string (nullable = true)\n');
    expect((await s.analyze({ is_local: { plan: root(local) } })).is_local?.is_local).toBe(true);
    expect((await s.analyze({ is_local: { plan: root(sql('SELECT 1 AS x')) } })).is_local?.is_local).toBe(false);
    expect((await s.analyze({ is_streaming: { plan: root(socketLines(1)) } })).is_streaming?.is_streaming).toBe(true);
    expect((await s.analyze({ is_streaming: { plan: root(local) } })).is_streaming?.is_streaming).toBe(false);
    expect((await s.analyze({ input_files: { plan: root(local) } })).input_files?.files).toEqual([]);
  });

  it('explain: simple and extended', async () => {
    const simple = (await s.analyze({ explain: { plan: root(local), explain_mode: 'EXPLAIN_MODE_SIMPLE' } })).explain?.explain_string ?? '';
    const extended = (await s.analyze({ explain: { plan: root(local), explain_mode: 'EXPLAIN_MODE_EXTENDED' } })).explain?.explain_string ?? '';
    expect(simple).toContain('== Physical Plan ==');
    expect(extended).toContain('== Physical Plan ==');
    expect(extended.length).toBeGreaterThan(simple.length);
  });

  it('spark_version, ddl_parse, json_to_ddl', async () => {
    expect((await s.analyze({ spark_version: {} })).spark_version?.version).toBe('4.0.0');
    const struct = (await s.analyze({ ddl_parse: { ddl_string: 'a INT, b STRING' } })).ddl_parse?.parsed;
    expect(struct?.struct?.fields.map((f) => [f.name, f.data_type?.kind])).toEqual([
      ['a', 'integer'],
      ['b', 'string'],
    ]);
    expect((await s.analyze({ ddl_parse: { ddl_string: 'int' } })).ddl_parse?.parsed?.kind).toBe('integer');
    const json = JSON.stringify({ type: 'struct', fields: [{ name: 'a', type: 'long', nullable: false, metadata: {} }] });
    expect((await s.analyze({ json_to_ddl: { json_string: json } })).json_to_ddl?.ddl_string).toBe('a BIGINT NOT NULL');
  });

  it('same_semantics and semantic_hash ignore plan ids', async () => {
    const a = root(sql('SELECT 1 AS x', 1));
    const b = root(sql('SELECT 1 AS x', 99));
    const c = root(sql('SELECT 2 AS x', 1));
    expect((await s.analyze({ same_semantics: { target_plan: a, other_plan: b } })).same_semantics?.result).toBe(true);
    expect((await s.analyze({ same_semantics: { target_plan: a, other_plan: c } })).same_semantics?.result).toBe(false);
    const ha = (await s.analyze({ semantic_hash: { plan: a } })).semantic_hash?.result;
    const hb = (await s.analyze({ semantic_hash: { plan: b } })).semantic_hash?.result;
    expect(ha).toBe(hb);
  });

  it('persist, unpersist and get_storage_level are answered without caching', async () => {
    expect((await s.analyze({ persist: { relation: local } })).result).toBe('persist');
    expect((await s.analyze({ unpersist: { relation: local } })).result).toBe('unpersist');
    const level = (await s.analyze({ get_storage_level: { relation: local } })).get_storage_level?.storage_level;
    expect(level).toEqual({ use_disk: false, use_memory: false, use_off_heap: false, deserialized: false, replication: 1 });
  });

  it('a request with no analysis, or a command plan, gets a clean error', async () => {
    await expect(s.analyze({})).rejects.toMatchObject({ code: 13, details: expect.stringContaining('INVALID_ONE_OF_FIELD_NOT_SET') });
    await expect(s.analyze({ schema: { plan: { command: { sql_command: { input: sql('SELECT 1') } } } } })).rejects.toMatchObject({ code: 13 });
    expect((await s.analyze({ spark_version: {} })).spark_version?.version).toBe('4.0.0');
  });
});
