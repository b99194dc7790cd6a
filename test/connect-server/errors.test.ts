import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeError, expectWellFormed, startHarness, type ClientSession, type Harness, type StreamResult } from './harness.js';
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

  it('a malformed request: ExecutePlan without a plan', async () => {
    const e = sparkError(await s.execute(null));
    expect(e.errorClass).toBe('CONNECT_INVALID_PLAN.INVALID_ONE_OF_FIELD_NOT_SET');
    await expectServerStillServes();
  });

  it('relations Kindling does not know, or none at all', async () => {
    const join = sparkError(await s.execute(root({ common: { plan_id: 1 }, join: {} })));
    expect(join.errorClass).toBe('CONNECT_INVALID_PLAN.INVALID_ONE_OF_FIELD_NOT_SUPPORTED');
    expect(join.message).toContain('is not supported: JOIN(5)');
    expect(join.classes[0]).toBe('java.lang.UnsupportedOperationException');
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
    const show = sparkError(await s.execute(sqlCommand('SHOW TABLES')));
    expect(show.message).toContain('SHOW');
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

  it('a client that saw another server-side session id is told the session changed', async () => {
    const fresh = h.session();
    await fresh.config({ get: { keys: ['a'] } });
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
