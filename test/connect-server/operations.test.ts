import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeArrowBatch } from '../../engine/arrow/index.js';
import { batchFromRows } from '../../engine/batch/record-batch.js';
import { T } from '../../engine/types/data-type.js';
import { schemaOf } from '../../engine/types/schema.js';
import type { Relation } from '../../proto/generated/spark/connect/Relation.js';
import { collect, decodeError, expectWellFormed, lineServer, startHarness, type ClientSession, type Harness, type Response } from './harness.js';
import { queryCommand, root, socketLines } from './pyspark-plans.js';
import { eventually } from '../support/eventually.js';

/** `createDataFrame` of n rows: a LocalRelation holding Arrow bytes. */
function localRows(n: number): Relation {
  const batch = batchFromRows(schemaOf([T.field('i', T.long)]), Array.from({ length: n }, (_, i) => [i]));
  return { common: { plan_id: 1 }, local_relation: { data: Buffer.from(encodeArrowBatch(batch, 'UTC')) } };
}

describe('operations: reattach, release, interrupt', () => {
  let h: Harness;
  let s: ClientSession;
  let feed: Awaited<ReturnType<typeof lineServer>>;

  beforeAll(async () => {
    h = await startHarness({ chunkLimits: { maxRows: 2, maxBytes: 1 << 20 } });
    s = h.session();
    feed = await lineServer([]);
  });

  afterAll(async () => {
    await h.close();
    await feed.close();
  });

  const find = (operationId: string) => h.server.service.operations.find('', s.sessionId, operationId);

  it('splits results into one-record-batch messages and keeps them until released', async () => {
    const opId = randomUUID();
    const messages = await s.ok(root(localRows(5)));
    expectWellFormed(messages, s.sessionId);
    expect(messages.filter((m) => m.response_type === 'arrow_batch').map((m) => [Number(m.arrow_batch?.row_count), Number(m.arrow_batch?.start_offset)])).toEqual([
      [2, 0],
      [2, 2],
      [1, 4],
    ]);
    const again = await s.execute(root(localRows(0)), opId);
    expect(again.messages.filter((m) => m.response_type === 'arrow_batch').map((m) => Number(m.arrow_batch?.row_count))).toEqual([0]);
    expect(find(opId)?.state).toBe('succeeded');
    await s.releaseExecute(opId, { release_all: {} });
    expect(find(opId)).toBeUndefined();
  });

  it('a dropped stream resumes with ReattachExecute after the last response seen', async () => {
    const opId = randomUUID();
    const first: Response[] = [];
    const call = s.executeStream(root(localRows(7)), opId);
    await new Promise<void>((resolve) => {
      call.on('data', (m: Response) => {
        first.push(m);
        if (first.length === 2) {
          call.cancel();
          resolve();
        }
      });
      call.on('error', () => resolve());
    });
    const seen = first.slice(0, 2);
    expect(seen[0]?.schema).toBeTruthy();
    const lastSeen = seen[1]?.response_id ?? '';
    const rest = await collect(s.reattach(opId, lastSeen));
    expect(rest.error).toBeUndefined();
    const all = [...seen, ...rest.messages];
    expectWellFormed(all, s.sessionId, opId);
    expect(all.filter((m) => m.response_type === 'arrow_batch').reduce((n, m) => n + Number(m.arrow_batch?.row_count), 0)).toBe(7);

    // From the start again, the same responses with the same ids.
    const replay = await collect(s.reattach(opId));
    expect(replay.messages.map((m) => m.response_id)).toEqual(all.map((m) => m.response_id));

    // Released responses can no longer be replayed; unknown ids are refused.
    await s.releaseExecute(opId, { release_until: { response_id: lastSeen } });
    const tooEarly = await collect(s.reattach(opId, seen[0]?.response_id ?? ''));
    expect(decodeError(tooEarly.error).details).toContain('INVALID_CURSOR.POSITION_NOT_AVAILABLE');
    const unknown = await collect(s.reattach(opId, randomUUID()));
    expect(decodeError(unknown.error).details).toContain('INVALID_CURSOR.POSITION_NOT_FOUND');
    const afterLast = await collect(s.reattach(opId, lastSeen));
    expect(afterLast.messages.map((m) => m.response_id)).toEqual(rest.messages.map((m) => m.response_id));

    await s.releaseExecute(opId, { release_all: {} });
    const gone = await collect(s.reattach(opId, lastSeen));
    expect(gone.messages).toEqual([]);
    expect(decodeError(gone.error).details).toContain('INVALID_HANDLE.OPERATION_NOT_FOUND');
  });

  it('refuses a second operation with the same id, and unknown operations on reattach', async () => {
    const opId = randomUUID();
    await s.ok(root(localRows(1)));
    await s.execute(root(localRows(1)), opId);
    const dup = await s.execute(root(localRows(1)), opId);
    expect(decodeError(dup.error).details).toContain('INVALID_HANDLE.OPERATION_ALREADY_EXISTS');
    const unknown = await collect(s.reattach(randomUUID()));
    expect(decodeError(unknown.error).details).toContain('INVALID_HANDLE.OPERATION_NOT_FOUND');
  });

  it('Interrupt ends a waiting awaitTermination with OPERATION_CANCELED (by id, by tag, all)', async () => {
    const started = await s.ok({
      command: { write_stream_operation_start: { input: socketLines(feed.port), format: 'memory', output_mode: 'append', query_name: 'waiting' } },
    });
    const q = started[0]?.write_stream_operation_start_result?.query_id;
    const id = { id: q?.id ?? '', run_id: q?.run_id ?? '' };

    const byId = randomUUID();
    const waiting = collect(s.executeStream(queryCommand(id, { await_termination: {} }), byId));
    await eventually(() => find(byId)?.isRunning === true);
    const answer = await s.interrupt({ interrupt_type: 'INTERRUPT_TYPE_OPERATION_ID', operation_id: byId });
    expect(answer.session_id).toBe(s.sessionId);
    expect(answer.interrupted_ids).toEqual([byId]);
    const ended = await waiting;
    expect(ended.messages).toEqual([]);
    const e = decodeError(ended.error);
    expect(e.details).toContain('OPERATION_CANCELED');
    expect(e.status?.message).toBe(e.details);

    const tagged = randomUUID();
    const untagged = randomUUID();
    const w1 = collect(s.executeStream(queryCommand(id, { await_termination: {} }), tagged, ['slow']));
    const w2 = collect(s.executeStream(queryCommand(id, { await_termination: {} }), untagged));
    await eventually(() => find(tagged)?.isRunning === true && find(untagged)?.isRunning === true);
    expect((await s.interrupt({ interrupt_type: 'INTERRUPT_TYPE_TAG', operation_tag: 'slow' })).interrupted_ids).toEqual([tagged]);
    expect(decodeError((await w1).error).details).toContain('OPERATION_CANCELED');
    expect(find(untagged)?.isRunning).toBe(true);
    expect((await s.interrupt({ interrupt_type: 'INTERRUPT_TYPE_ALL' })).interrupted_ids).toEqual([untagged]);
    expect(decodeError((await w2).error).details).toContain('OPERATION_CANCELED');

    // The query itself keeps running; awaitTermination after stop() answers true.
    const status = await s.ok(queryCommand(id, { status: true }));
    expect(status[0]?.streaming_query_command_result?.status?.is_active).toBe(true);
    const finished = collect(s.executeStream(queryCommand(id, { await_termination: {} })));
    await s.ok(queryCommand(id, { stop: true }));
    const done = await finished;
    expectWellFormed(done.messages, s.sessionId);
    expect(done.messages[0]?.streaming_query_command_result?.await_termination?.terminated).toBe(true);
  });

  it('a cancelled non-reattachable call stops its wait', async () => {
    const started = await s.ok({
      command: { write_stream_operation_start: { input: socketLines(feed.port), format: 'memory', output_mode: 'append', query_name: 'cancelled' } },
    });
    const q = started[0]?.write_stream_operation_start_result?.query_id;
    const opId = randomUUID();
    const req = { ...s.request(queryCommand({ id: q?.id ?? '', run_id: q?.run_id ?? '' }, { await_termination: {} }), opId), request_options: [] };
    const call = s.client.ExecutePlan(req, s.metadata());
    call.on('error', () => undefined);
    await eventually(() => find(opId)?.isRunning === true);
    call.cancel();
    await eventually(() => find(opId)?.state === 'failed');
    await s.ok(queryCommand({ id: q?.id ?? '', run_id: q?.run_id ?? '' }, { stop: true }));
  });

  it('ReleaseSession interrupts the session and answers with its ids', async () => {
    const other = h.session();
    await other.config({ get: { keys: ['spark.sql.session.timeZone'] } });
    const started = await other.ok({
      command: { write_stream_operation_start: { input: socketLines(feed.port), format: 'memory', output_mode: 'append', query_name: 'rel' } },
    });
    const q = started[0]?.write_stream_operation_start_result?.query_id;
    const opId = randomUUID();
    const waiting = collect(other.executeStream(queryCommand({ id: q?.id ?? '', run_id: q?.run_id ?? '' }, { await_termination: {} }), opId));
    await eventually(() => h.server.service.operations.find('', other.sessionId, opId)?.isRunning === true);
    const released = await other.releaseSession();
    expect(released.session_id).toBe(other.sessionId);
    expect(released.server_side_session_id).toBe(other.serverSideSessionId);
    expect(decodeError((await waiting).error).details).toContain('OPERATION_CANCELED');
    expect(h.local.runtime.findSession('', other.sessionId)).toBeUndefined();
    // Late fire-and-forget releases get an ordinary error, never UNAVAILABLE.
    await expect(other.releaseExecute(opId, { release_all: {} })).rejects.toMatchObject({
      code: 13,
      details: expect.stringContaining('INVALID_HANDLE.SESSION_CLOSED'),
    });
  });
});

describe('abandoned operations', () => {
  it('are dropped after the idle timeout and reported as abandoned', async () => {
    const h = await startHarness({ operationIdleTimeoutMs: 20 });
    try {
      const s = h.session();
      const opId = randomUUID();
      await s.execute(root(localRows(3)), opId);
      await eventually(() => h.server.service.operations.find('', s.sessionId, opId) === undefined);
      const late = await collect(s.reattach(opId));
      expect(decodeError(late.error).details).toContain('INVALID_HANDLE.OPERATION_ABANDONED');
    } finally {
      await h.close();
    }
  });
});
