import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeError, expectWellFormed, startHarness, type Harness } from './harness.js';
import { managerCommand, queryCommand, root, socketLines } from './pyspark-plans.js';

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('a query that fails', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });

  afterAll(async () => {
    await h.close();
  });

  it('raises StreamingQueryException from awaitTermination and reports it in exception()', async () => {
    const s = h.session();
    const started = await s.ok({
      command: {
        write_stream_operation_start: { input: socketLines(await closedPort()), format: 'memory', output_mode: 'append', query_name: 'doomed' },
      },
    });
    const q = started[0]?.write_stream_operation_start_result?.query_id;
    const id = { id: q?.id ?? '', run_id: q?.run_id ?? '' };

    const waited = await s.execute(queryCommand(id, { await_termination: {} }));
    expect(waited.messages).toEqual([]);
    const e = decodeError(waited.error);
    expect(e.code).toBe(13);
    expect(e.status?.message).toBe(e.details);
    expect(JSON.parse(e.info?.metadata['classes'] ?? '[]')).toContain('org.apache.spark.sql.streaming.StreamingQueryException');
    expect(e.info?.metadata['errorClass']).toBe('STREAM_FAILED');

    const exception = await s.ok(queryCommand(id, { exception: true }));
    expectWellFormed(exception, s.sessionId);
    const result = exception[0]?.streaming_query_command_result?.exception;
    expect(result?.exception_message).toMatch(/^org\.apache\.spark\.sql\.streaming\.StreamingQueryException: .*Connection refused/);
    expect(result?.error_class).toBe('STREAM_FAILED');

    const status = await s.ok(queryCommand(id, { status: true }));
    expect(status[0]?.streaming_query_command_result?.status?.is_active).toBe(false);
    const anyTermination = await s.execute(managerCommand({ await_any_termination: {} }));
    expect(JSON.parse(decodeError(anyTermination.error).info?.metadata['classes'] ?? '[]')[0]).toBe(
      'org.apache.spark.sql.streaming.StreamingQueryException',
    );
    const reset = await s.ok(managerCommand({ reset_terminated: true }));
    expect(reset[0]?.streaming_query_manager_command_result?.reset_terminated).toBe(true);
    const timedOut = await s.ok(managerCommand({ await_any_termination: { timeout_ms: 5 } }));
    expect(timedOut[0]?.streaming_query_manager_command_result?.await_any_termination?.terminated).toBe(false);
    const listeners = await s.ok(managerCommand({ list_listeners: true }));
    expect(listeners[0]?.streaming_query_manager_command_result?.list_listeners?.listener_ids).toEqual([]);
    const add = await s.execute(managerCommand({ add_listener: { listener_payload: Buffer.alloc(0), id: 'l1' } }));
    expect(decodeError(add.error).details).toContain('listeners');
  });

  it('a streaming relation run as a batch query fails cleanly', async () => {
    const s = h.session();
    const result = await s.execute(root(socketLines(await closedPort())));
    expect(result.messages).toEqual([]);
    expect(decodeError(result.error).code).toBe(13);
    const again = await s.config({ get: { keys: ['spark.sql.session.timeZone'] } });
    expect(again.pairs[0]?.value).toBe('UTC');
  });
});
