import { status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeArrowBatch } from '../../engine/arrow/encode.js';
import { batchFromRows } from '../../engine/batch/record-batch.js';
import { encodeDataType } from '../../engine/connect/data-type-serde.js';
import { T } from '../../engine/types/data-type.js';
import { AnalysisException, PySparkAssertionError, SparkConnectGrpcException, SparkSession, Timestamp } from '../../client/index.js';
import { FakeServer, sparkError, type ExecuteStream, type FakeServerOptions } from './fake-server.js';
import { eventually } from '../support/eventually.js';

const schema = T.struct([T.field('word', T.string), T.field('ts', T.timestamp), T.field('n', T.long, false)]);
const rows = [
  ['cat', 1_700_000_000_000_001, 2],
  ['dog', 1_700_000_000_500_000, 1],
];
const arrow = (rs: unknown[][]) => ({ arrow_batch: { row_count: rs.length, data: Buffer.from(encodeArrowBatch(batchFromRows(schema, rs), 'UTC')) } });

let server: FakeServer | undefined;
let spark: SparkSession | undefined;

async function connect(options: FakeServerOptions, params = ''): Promise<{ server: FakeServer; spark: SparkSession }> {
  server = await new FakeServer(options).start();
  spark = await SparkSession.builder().remote(server.url(params)).retryPolicy({ initialBackoffMs: 5, maxBackoffMs: 20 }).create();
  return { server, spark };
}

afterEach(async () => {
  await spark?.stop();
  server?.close();
  spark = undefined;
  server = undefined;
});

function queryAnswer(server: FakeServer, call: ExecuteStream): void {
  server.complete(call, call.request.session_id, { schema: encodeDataType(schema) }, arrow(rows.slice(0, 1)), arrow(rows.slice(1)));
}

describe('ExecutePlan as PySpark sends and reads it', () => {
  it('sends an operation id and both request options; decodes Arrow rows with the schema; releases in the background', async () => {
    const { server, spark } = await connect({ execute: (call, s) => queryAnswer(s, call) });
    const result = await spark.range(2).collect();
    expect(result.map((r) => r.asDict())).toEqual([
      { word: 'cat', ts: new Timestamp(1_700_000_000_000_001), n: 2 },
      { word: 'dog', ts: new Timestamp(1_700_000_000_500_000), n: 1 },
    ]);
    const req = server.callsOf('ExecutePlan')[0]?.request as Record<string, unknown>;
    expect(req['operation_id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(req['session_id']).toBe(spark.sessionId);
    expect(req['request_options']).toMatchObject([
      { result_chunking_options: { allow_arrow_batch_chunking: true } },
      { reattach_options: { reattachable: true } },
    ]);
    expect(String(req['client_type'])).toMatch(/^_SPARK_CONNECT_KINDLING spark\/\S+ os\/\S+ node\//);
    // One release_until per message before ResultComplete (schema + 2 batches), then release_all.
    await eventually(() => server.callsOf('ReleaseExecute').length === 4, 'four ReleaseExecute calls');
    const kinds = server.callsOf('ReleaseExecute').map((c) => c.request['release']);
    expect(kinds.filter((k) => k === 'release_until')).toHaveLength(3);
    expect(kinds).toContain('release_all');
    expect(server.callsOf('ReleaseExecute').every((c) => c.request['operation_id'] === req['operation_id'])).toBe(true);
  });

  it('reattaches after a stream that ends without ResultComplete, from the last response id', async () => {
    let lastSent = '';
    const { server, spark } = await connect({
      execute: (call, s) => {
        const msg = s.envelope(call.request.session_id, call.request.operation_id ?? '', { schema: encodeDataType(schema) });
        lastSent = String(msg.response_id);
        call.write(msg);
        call.end();
      },
      reattach: (call, s) => {
        const op = call.request.operation_id;
        call.write(s.envelope(call.request.session_id, op, arrow(rows)));
        call.write(s.envelope(call.request.session_id, op, { result_complete: {} }));
        call.end();
      },
    });
    const result = await spark.range(1).collect();
    expect(result).toHaveLength(2);
    const reattach = server.callsOf('ReattachExecute');
    expect(reattach).toHaveLength(1);
    expect(reattach[0]?.request['last_response_id']).toBe(lastSent);
    expect(reattach[0]?.request['operation_id']).toBe(server.callsOf('ExecutePlan')[0]?.request['operation_id']);
  });

  it('reattaches after UNAVAILABLE mid-stream and joins Arrow chunks', async () => {
    const data = Buffer.from(encodeArrowBatch(batchFromRows(schema, rows), 'UTC'));
    const half = Math.floor(data.length / 2);
    const chunk = (i: number, part: Buffer) => ({
      arrow_batch: { row_count: 2, data: part, start_offset: 0, chunk_index: i, num_chunks_in_batch: 2 },
    });
    let lastSent = '';
    const { server, spark } = await connect({
      execute: (call, s) => {
        const msg = s.envelope(call.request.session_id, call.request.operation_id ?? '', chunk(0, data.subarray(0, half)));
        lastSent = String(msg.response_id);
        // The reset follows the first chunk once it is on the wire, so the client has it to reattach from.
        call.write(msg, () => call.emit('error', { code: status.UNAVAILABLE, details: 'connection reset' }));
      },
      reattach: (call, s) => {
        const op = call.request.operation_id;
        call.write(s.envelope(call.request.session_id, op, chunk(1, data.subarray(half))));
        call.write(s.envelope(call.request.session_id, op, { result_complete: {} }));
        call.end();
      },
    });
    expect((await spark.range(1).collect()).map((r) => r['word'])).toEqual(['cat', 'dog']);
    expect(server.callsOf('ReattachExecute')[0]?.request['last_response_id']).toBe(lastSent);
  });

  it('retries UNAVAILABLE by reattaching, then re-executes when the server never knew the operation', async () => {
    let executions = 0;
    const { server, spark } = await connect({
      execute: (call, s) => {
        executions++;
        if (executions === 1) call.emit('error', { code: status.UNAVAILABLE, details: 'warming up' });
        else queryAnswer(s, call);
      },
      reattach: (call) => {
        call.emit('error', { code: status.INTERNAL, details: '[INVALID_HANDLE.OPERATION_NOT_FOUND] The handle is invalid.' });
      },
    });
    expect(await spark.range(1).collect()).toHaveLength(2);
    expect(executions).toBe(2);
    const ops = server.callsOf('ExecutePlan').map((c) => c.request['operation_id']);
    expect(ops[0]).toBe(ops[1]);
  });

  it('turns the error trailer into a typed exception and releases the operation', async () => {
    const { server, spark } = await connect({
      execute: (call) => {
        call.emit(
          'error',
          sparkError(status.INTERNAL, '[TABLE_OR_VIEW_NOT_FOUND] The table or view `nope` cannot be found.', {
            reason: 'org.apache.spark.sql.AnalysisException',
            domain: 'org.apache.spark',
            metadata: {
              classes: '["org.apache.spark.sql.AnalysisException","java.lang.Exception"]',
              errorClass: 'TABLE_OR_VIEW_NOT_FOUND',
              sqlState: '42P01',
              messageParameters: '{"relationName":"`nope`"}',
            },
          }),
        );
      },
    });
    const err = await spark.table('nope').collect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AnalysisException);
    expect((err as AnalysisException).getCondition()).toBe('TABLE_OR_VIEW_NOT_FOUND');
    expect((err as AnalysisException).getSqlState()).toBe('42P01');
    await eventually(() => server.callsOf('ReleaseExecute').length > 0, 'a ReleaseExecute call');
    expect(server.callsOf('ReleaseExecute').map((c) => c.request['release'])).toEqual(['release_all']);
  });

  it('rejects a response for another session', async () => {
    const { spark } = await connect({
      execute: (call, s) => s.complete(call, 'someone-else'),
    });
    await expect(spark.range(1).collect()).rejects.toBeInstanceOf(PySparkAssertionError);
  });
});

describe('session calls', () => {
  it('getOrCreate sends app name and configs in one silent Config Set; token and extra params ride as metadata', async () => {
    server = await new FakeServer().start();
    spark = await SparkSession.builder()
      .remote(`sc://localhost:${server.port}/;token=s3cret;x-tenant=blue;user_id=ana`)
      .appName('streaming-exercise')
      .config('spark.sql.shuffle.partitions', 4)
      .getOrCreate();
    const set = server.callsOf('Config')[0];
    expect(set?.request['operation']).toMatchObject({
      op_type: 'set',
      set: {
        pairs: [
          { key: 'spark.app.name', value: 'streaming-exercise' },
          { key: 'spark.sql.shuffle.partitions', value: '4' },
        ],
        silent: true,
      },
    });
    expect(set?.metadata).toMatchObject({ authorization: 'Bearer s3cret', 'x-tenant': 'blue' });
    expect(set?.request['user_context']).toMatchObject({ user_id: 'ana' });
    // The same URL gives the same live session.
    expect(await SparkSession.builder().remote(`sc://localhost:${server.port}/;token=s3cret;x-tenant=blue;user_id=ana`).getOrCreate()).toBe(spark);
  });

  it('conf get/set/getAll; the server-side session id is sent back once seen', async () => {
    const { server, spark } = await connect({});
    await spark.conf.set('a.b', true);
    expect(await spark.conf.get('a.b')).toBe('value-of-a.b');
    expect(await spark.conf.get('x', 'dflt')).toBe('dflt');
    const ops = server.callsOf('Config');
    expect(ops[0]?.request['operation']).toMatchObject({ set: { pairs: [{ key: 'a.b', value: 'true' }] } });
    expect(ops[0]?.request['client_observed_server_side_session_id']).toBeUndefined();
    expect(ops[1]?.request['client_observed_server_side_session_id']).toBe(server.serverSideSessionId);
  });

  it('spark.sql runs eagerly and later sends the echoed relation under a new plan id', async () => {
    const echoed = { common: { plan_id: 99 }, sql: { query: 'SELECT 1 AS one' } };
    const { server, spark } = await connect({
      execute: (call, s) => {
        if (call.request.plan?.command?.sql_command) s.complete(call, call.request.session_id, { sql_command_result: { relation: echoed } });
        else queryAnswer(s, call);
      },
    });
    const df = spark.sql('SELECT 1 AS one');
    expect((await df.collect()).length).toBe(2);
    const [cmd, query] = server.callsOf('ExecutePlan').map((c) => c.request['plan'] as Record<string, Record<string, unknown>>);
    const sent = cmd?.['command']?.['sql_command'] as Record<string, Record<string, unknown>>;
    expect(sent['input']?.['sql']).toMatchObject({ query: 'SELECT 1 AS one' });
    expect(query?.['root']).toMatchObject({ common: { plan_id: String(df.planId) }, sql: { query: 'SELECT 1 AS one' } });
    expect(df.planId).not.toBe(Number((sent['input']?.['common'] as Record<string, unknown>)['plan_id']));
  });

  it('spark.sql sends named arguments as literal expressions, positional ones in order', async () => {
    const { server, spark } = await connect({});
    await spark.sql('SELECT :a, :b', { a: 1, b: 'x' });
    await spark.sql('SELECT ?, ?', [2.5, true]);
    const inputs = server
      .callsOf('ExecutePlan')
      .map((c) => ((c.request['plan'] as Record<string, Record<string, Record<string, Record<string, unknown>>>>)['command']?.['sql_command']?.['input'] as Record<string, Record<string, unknown>>)['sql']);
    expect(inputs[0]?.['named_arguments']).toMatchObject({ a: { literal: { integer: 1 } }, b: { literal: { string: 'x' } } });
    expect(inputs[1]?.['pos_arguments']).toMatchObject([{ literal: { double: 2.5 } }, { literal: { boolean: true } }]);
  });

  it('spark.sql errors surface when awaited, and do not crash when ignored', async () => {
    const { spark } = await connect({
      execute: (call) => {
        call.emit('error', { code: status.INTERNAL, details: 'bad sql' });
      },
    });
    void spark.sql('SELECT nonsense');
    await expect(spark.sql('SELECT nonsense')).rejects.toBeInstanceOf(SparkConnectGrpcException);
  });

  it('stop() sends ReleaseSession and closes the channel; later calls fail', async () => {
    const { server, spark: s } = await connect({});
    await s.stop();
    expect(server.callsOf('ReleaseSession')[0]?.request['session_id']).toBe(s.sessionId);
    await expect(s.conf.get('x')).rejects.toThrow(/stopped/);
    await expect(s.range(1).collect()).rejects.toThrow(/NO_ACTIVE_SESSION/);
    spark = undefined;
  });
});
