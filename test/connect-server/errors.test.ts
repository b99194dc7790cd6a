import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeError, expectWellFormed, lineServer, startHarness, type ClientSession, type Harness, type StreamResult } from './harness.js';
import { attr, fn, int, managerCommand, queryCommand, root, socketLines, sql, sqlCommand } from './pyspark-plans.js';

/** The failure PySpark would raise: INTERNAL, a trailer with the same code and text, and ErrorInfo. */
function sparkError(result: StreamResult): { errorClass: string | undefined; sqlState: string | undefined; classes: string[]; message: string } {
  expect(result.messages).toEqual([]);
  const e = decodeError(result.error);
  expect(e.code).toBe(status.INTERNAL);
  expect(e.status?.code).toBe(status.INTERNAL);
  expect(e.status?.message).toBe(e.details);
  expect(e.info?.domain).toBe('org.apache.spark');
  const classes = JSON.parse(e.info?.metadata['classes'] ?? '[]') as string[];
  expect(e.info?.reason).toBe(classes[0]);
  expect(e.info?.metadata['errorId']).toBeUndefined();
  return { errorClass: e.info?.metadata['errorClass'], sqlState: e.info?.metadata['sqlState'], classes, message: e.details };
}

describe('Spark Connect errors', () => {
  let h: Harness;
  let s: ClientSession;

  beforeAll(async () => {
    h = await startHarness();
    s = h.session();
  });

  afterAll(async () => {
    await h.close();
  });

  /** After any failure the same server keeps serving, also other sessions. */
  async function expectServerStillServes(): Promise<void> {
    const other = h.session({ userId: 'other' });
    const conf = await other.config({ get: { keys: ['spark.sql.session.timeZone'] } });
    expect(conf.pairs[0]?.value).toBe('UTC');
    const one = await other.ok(root(sql('SELECT 1 AS one')));
    expectWellFormed(one, other.sessionId);
    expect(one.filter((m) => m.response_type === 'arrow_batch').map((m) => Number(m.arrow_batch?.row_count))).toEqual([1]);
  }

  it('unknown table: TABLE_OR_VIEW_NOT_FOUND at spark.sql() time, as an AnalysisException', async () => {
    const e = sparkError(await s.execute(sqlCommand('SELECT * FROM missing')));
    expect(e.errorClass).toBe('TABLE_OR_VIEW_NOT_FOUND');
    expect(e.sqlState).toBe('42P01');
    expect(e.classes[0]).toBe('org.apache.spark.sql.AnalysisException');
    expect(e.message).toContain('[TABLE_OR_VIEW_NOT_FOUND]');
    expect(e.message).toContain('`missing`');
    await expectServerStillServes();
  });

  it('unknown column', async () => {
    const plan = root({ common: { plan_id: 2 }, project: { input: sql('SELECT 1 AS a', 1), expressions: [attr('nope')] } });
    const e = sparkError(await s.execute(plan));
    expect(e.errorClass).toMatch(/^UNRESOLVED_COLUMN\./);
    expect(e.sqlState).toBe('42703');
    expect(e.classes[0]).toBe('org.apache.spark.sql.AnalysisException');
    await expectServerStillServes();
  });

  it('unknown function', async () => {
    const plan = root({ common: { plan_id: 2 }, project: { input: sql('SELECT 1 AS a', 1), expressions: [fn('no_such_function', int(1))] } });
    const e = sparkError(await s.execute(plan));
    expect(e.errorClass).toBe('UNRESOLVED_ROUTINE');
    expect(e.sqlState).toBe('42883');
    await expectServerStillServes();
  });

  it('append output mode on a streaming aggregation without watermark', async () => {
    const counts = {
      common: { plan_id: 5 },
      aggregate: {
        input: socketLines(1),
        group_type: 'GROUP_TYPE_GROUPBY' as const,
        grouping_expressions: [attr('value')],
        aggregate_expressions: [{ alias: { expr: fn('count', int(1)), name: ['count'] } }],
      },
    };
    const result = await s.execute({
      command: { write_stream_operation_start: { input: counts, format: 'memory', output_mode: 'append', query_name: 'bad' } },
    });
    const e = sparkError(result);
    expect(e.errorClass).toBe('STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION');
    expect(e.classes[0]).toBe('org.apache.spark.sql.AnalysisException');
    const active = await s.ok(managerCommand({ active: true }));
    expect(active[0]?.streaming_query_manager_command_result?.active?.active_queries).toEqual([]);
    await expectServerStillServes();
  });

  it('run-time data errors carry the Java class chain PySpark picks its exception from', async () => {
    const chain = async (query: string): Promise<string[]> => sparkError(await s.execute(root(sql(query)))).classes;
    const tail = ['java.lang.RuntimeException', 'java.lang.Exception', 'java.lang.Throwable'];
    const arithmetic = ['org.apache.spark.SparkArithmeticException', 'java.lang.ArithmeticException', ...tail];
    expect(await chain('SELECT 1/0 AS x')).toEqual(arithmetic);
    expect(await chain('SELECT 2147483647 + 1 AS x')).toEqual(arithmetic);
    expect(await chain('SELECT CAST(3000000000L AS INT) AS x')).toEqual(arithmetic);
    expect(await chain("SELECT CAST('abc' AS INT) AS x")).toEqual([
      'org.apache.spark.SparkNumberFormatException',
      'java.lang.NumberFormatException',
      'java.lang.IllegalArgumentException',
      ...tail,
    ]);
    expect(await chain("SELECT CAST('abc' AS DATE) AS x")).toEqual(['org.apache.spark.SparkDateTimeException', 'java.time.DateTimeException', ...tail]);
    expect(await chain('SELECT element_at(array(1, 2), 5) AS x')).toEqual([
      'org.apache.spark.SparkArrayIndexOutOfBoundsException',
      'java.lang.ArrayIndexOutOfBoundsException',
      'java.lang.IndexOutOfBoundsException',
      ...tail,
    ]);
    await expectServerStillServes();
  });

  it('a batch action on a streaming relation: _LEGACY_ERROR_TEMP_3102 with its msg, the source after the text', async () => {
    const e = decodeError((await s.execute(root(socketLines(1)))).error);
    expect(e.info?.metadata['errorClass']).toBe('_LEGACY_ERROR_TEMP_3102');
    const msg =
      'Queries with streaming sources must be executed with writeStream.start(), or from a streaming table or flow definition within a Spark Declarative Pipeline.';
    expect(JSON.parse(e.info?.metadata['messageParameters'] ?? '{}')).toEqual({ msg });
    expect(e.details).toBe(`${msg};\nsocket`);
    expect(e.info?.metadata['sqlState']).toBeUndefined();
    await expectServerStillServes();
  });

  it('a malformed request: ExecutePlan without a plan', async () => {
    const e = sparkError(await s.execute(null));
    expect(e.errorClass).toBe('CONNECT_INVALID_PLAN.INVALID_ONE_OF_FIELD_NOT_SET');
    await expectServerStillServes();
  });

  it('relations Kindling does not know, or none at all', async () => {
    const unpivot = sparkError(await s.execute(root({ common: { plan_id: 1 }, unpivot: {} })));
    expect(unpivot.errorClass).toBe('CONNECT_INVALID_PLAN.INVALID_ONE_OF_FIELD_NOT_SUPPORTED');
    expect(unpivot.message).toContain('is not supported: UNPIVOT(25)');
    expect(unpivot.classes[0]).toBe('java.lang.UnsupportedOperationException');
    const empty = sparkError(await s.execute(root({ common: { plan_id: 1 } })));
    expect(empty.errorClass).toBe('CONNECT_INVALID_PLAN.INVALID_ONE_OF_FIELD_NOT_SET');
    await expectServerStillServes();
  });

  it("PySpark's exit-hook ml_command and other commands fail fast, naming the command", async () => {
    const ml = await s.execute({ command: { ml_command: {} } });
    expect(decodeError(ml.error).code).toBe(status.INTERNAL);
    expect(sparkError(ml).message).toContain('ml_command');
    const other = sparkError(await s.execute({ command: { write_operation: {} } }));
    expect(other.message).toContain('write_operation');
    await expectServerStillServes();
  });

  it('non-query SQL statements get a clear error; SET works', async () => {
    const show = sparkError(await s.execute(sqlCommand('SHOW FUNCTIONS')));
    expect(show.message).toContain('SHOW');
    const tables = await s.ok(sqlCommand('SHOW TABLES'));
    expect(tables[0]?.sql_command_result?.relation?.local_relation?.data?.length).toBeGreaterThan(0);
    const set = await s.ok(sqlCommand('SET spark.sql.shuffle.partitions=7'));
    expectWellFormed(set, s.sessionId);
    expect(set[0]?.sql_command_result?.relation?.local_relation?.data?.length).toBeGreaterThan(0);
    const conf = await s.config({ get: { keys: ['spark.sql.shuffle.partitions'] } });
    expect(conf.pairs[0]?.value).toBe('7');
    await expectServerStillServes();
  });

  it('an unknown streaming query id', async () => {
    const id = { id: '00000000-0000-4000-8000-000000000000', run_id: '00000000-0000-4000-8000-000000000001' };
    const e = sparkError(await s.execute(queryCommand(id, { status: true })));
    expect(e.message).toContain(id.id);
    const get = await s.ok(managerCommand({ get_query: id.id }));
    expect(get[0]?.streaming_query_manager_command_result?.query).toBeUndefined();
    await expectServerStillServes();
  });

  it('get_query finds active queries only: a stopped query is not returned, its handle still answers', async () => {
    const feed = await lineServer(['a']);
    const started = await s.ok({
      command: { write_stream_operation_start: { input: socketLines(feed.port), format: 'memory', output_mode: 'append', query_name: 'gets' } },
    });
    const id = started[0]?.write_stream_operation_start_result?.query_id ?? { id: '', run_id: '' };
    const active = await s.ok(managerCommand({ get_query: id.id }));
    expect(active[0]?.streaming_query_manager_command_result?.query?.id?.run_id).toBe(id.run_id);
    await s.ok(queryCommand(id, { stop: true }));
    const stopped = await s.ok(managerCommand({ get_query: id.id }));
    expect(stopped[0]?.streaming_query_manager_command_result?.query).toBeUndefined();
    const status = await s.ok(queryCommand(id, { status: true }));
    expect(status[0]?.streaming_query_command_result?.status?.is_active).toBe(false);
    await feed.close();
    await expectServerStillServes();
  });

  it('a client that saw another server-side session id is told the session changed', async () => {
    const fresh = h.session();
    await fresh.config({ get: { keys: ['spark.sql.session.timeZone'] } });
    fresh.serverSideSessionId = '11111111-1111-4111-8111-111111111111';
    const e = sparkError(await fresh.execute(root(sql('SELECT 1 AS one'))));
    expect(e.errorClass).toBe('INVALID_HANDLE.SESSION_CHANGED');
  });

  it('session ids must be UUIDs, as in Spark', async () => {
    const bad = h.session();
    Object.defineProperty(bad, 'sessionId', { value: 'not-a-uuid' });
    await expect(bad.config({ get: { keys: ['a'] } })).rejects.toMatchObject({
      code: status.INTERNAL,
      details: expect.stringContaining('INVALID_HANDLE.FORMAT'),
    });
  });
});
