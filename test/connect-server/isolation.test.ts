import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientSession} from './harness.js';
import { collect, decodeError, lineServer, startHarness, type Harness, type StreamResult } from './harness.js';
import { managerCommand, queryCommand, root, socketLines, sql, sqlCommand } from './pyspark-plans.js';
import { eventually } from '../support/eventually.js';

function errorClassOf(result: StreamResult): string | undefined {
  return decodeError(result.error).info?.metadata['errorClass'];
}

/**
 * Sessions are keyed by (user id, session id), as in Spark's SparkConnectSessionManager: another
 * user, even with the same session id, gets a session of their own and cannot read, stop,
 * interrupt, reattach to or release anything of the first user's.
 */
describe('sessions stay isolated', () => {
  let h: Harness;
  let feed: Awaited<ReturnType<typeof lineServer>>;
  let alice: ClientSession;
  let queryId: { id: string; run_id: string };
  let waitOp: string;
  let waiting: Promise<StreamResult>;

  beforeAll(async () => {
    h = await startHarness();
    feed = await lineServer(['secret words']);
    alice = h.session({ userId: 'alice' });
    const started = await alice.ok({
      command: { write_stream_operation_start: { input: socketLines(feed.port), format: 'memory', output_mode: 'append', query_name: 'alice_table' } },
    });
    queryId = started[0]?.write_stream_operation_start_result?.query_id ?? { id: '', run_id: '' };
    await alice.ok(queryCommand(queryId, { process_all_available: true }));
    waitOp = randomUUID();
    waiting = collect(alice.executeStream(queryCommand(queryId, { await_termination: {} }), waitOp, ['mine']));
    await eventually(() => h.server.service.operations.find('alice', alice.sessionId, waitOp)?.isRunning === true);
  });

  afterAll(async () => {
    await alice.ok(queryCommand(queryId, { stop: true })).catch(() => undefined);
    await waiting;
    await feed.close();
    await h.close();
  });

  /** Bob in a session of his own, and Bob using Alice's session id. */
  function intruders(): ClientSession[] {
    const own = h.session({ userId: 'bob' });
    const borrowed = h.session({ userId: 'bob' });
    Object.assign(borrowed, { sessionId: alice.sessionId });
    return [own, borrowed];
  }

  async function aliceIsUntouched(): Promise<void> {
    expect(h.server.service.operations.find('alice', alice.sessionId, waitOp)?.isRunning).toBe(true);
    const rows = await alice.ok(root(sql('SELECT count(*) AS n FROM alice_table')));
    expect(rows.some((m) => m.response_type === 'arrow_batch')).toBe(true);
    const status = await alice.ok(queryCommand(queryId, { status: true }));
    expect(status[0]?.streaming_query_command_result?.status?.is_active).toBe(true);
  }

  it("another user cannot read the memory table or see the query, even with the same session id", async () => {
    for (const bob of intruders()) {
      expect(errorClassOf(await bob.execute(sqlCommand('SELECT * FROM alice_table')))).toBe('TABLE_OR_VIEW_NOT_FOUND');
      const active = await bob.ok(managerCommand({ active: true }));
      expect(active[0]?.streaming_query_manager_command_result?.active?.active_queries).toEqual([]);
      const get = await bob.ok(managerCommand({ get_query: queryId.id }));
      expect(get[0]?.streaming_query_manager_command_result?.query).toBeUndefined();
    }
    await aliceIsUntouched();
  });

  it('another user cannot stop the query or interrupt its operations', async () => {
    for (const bob of intruders()) {
      const stop = await bob.execute(queryCommand(queryId, { stop: true }));
      expect(stop.error).toBeDefined();
      for (const target of [
        { interrupt_type: 'INTERRUPT_TYPE_ALL' as const },
        { interrupt_type: 'INTERRUPT_TYPE_TAG' as const, operation_tag: 'mine' },
        { interrupt_type: 'INTERRUPT_TYPE_OPERATION_ID' as const, operation_id: waitOp },
      ]) {
        expect((await bob.interrupt(target)).interrupted_ids).toEqual([]);
      }
    }
    await aliceIsUntouched();
  });

  it('another user cannot reattach to, release, or close what is not theirs', async () => {
    const [own, borrowed] = intruders() as [ClientSession, ClientSession];
    for (const bob of [own, borrowed]) {
      await bob.config({ get: { keys: ['spark.sql.session.timeZone'] } });
      expect(errorClassOf(await collect(bob.reattach(waitOp)))).toBe('INVALID_HANDLE.OPERATION_NOT_FOUND');
    }
    // A user with no session under Alice's id: Spark's getIsolatedSession answers SESSION_NOT_FOUND.
    const carol = h.session({ userId: 'carol' });
    Object.assign(carol, { sessionId: alice.sessionId });
    expect(errorClassOf(await collect(carol.reattach(waitOp)))).toBe('INVALID_HANDLE.SESSION_NOT_FOUND');
    await own.releaseExecute(waitOp, { release_all: {} });
    await borrowed.releaseExecute(waitOp, { release_all: {} });
    await borrowed.releaseSession();
    await aliceIsUntouched();
  });
});

describe('limits', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ maxSessions: 3, operationLimits: { perSession: 2, total: 3 }, maxMessageBytes: 1024 * 1024 });
  });

  afterAll(async () => {
    await h.close();
  });

  it('a session id is quoted by a short prefix only: a 20 KB id gets INVALID_HANDLE.FORMAT, not RESOURCE_EXHAUSTED', async () => {
    const s = h.session({ userId: 'u' });
    Object.assign(s, { sessionId: 'x'.repeat(20_000) });
    const err = await s.config({ get: { keys: ['a'] } }).then(
      () => undefined,
      (e: unknown) => e as Parameters<typeof decodeError>[0],
    );
    const e = decodeError(err);
    expect(e.code).toBe(status.INTERNAL);
    expect(e.info?.metadata['errorClass']).toBe('INVALID_HANDLE.FORMAT');
    expect(e.details).toBe(`[INVALID_HANDLE.FORMAT] The handle ${'x'.repeat(64)}... is invalid. Handle must be an UUID string of the format '00112233-4455-6677-8899-aabbccddeeff' SQLSTATE: HY000`);
    expect(JSON.parse(e.info?.metadata['messageParameters'] ?? '{}')).toEqual({ handle: `${'x'.repeat(64)}...` });
  });

  it('a request over the message size limit gets RESOURCE_EXHAUSTED, and the server serves on', async () => {
    const s = h.session({ userId: 'big' });
    const err = await s.config({ get: { keys: ['k'.repeat(2 * 1024 * 1024)] } }).then(
      () => undefined,
      (e: unknown) => e as Parameters<typeof decodeError>[0],
    );
    const e = decodeError(err);
    expect(e.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(e.details).toMatch(/^Received message larger than max \(\d+ vs 1048576\)$/);
    const conf = await s.config({ get: { keys: ['spark.sql.session.timeZone'] } });
    expect(conf.pairs[0]?.value).toBe('UTC');
    await s.releaseSession();
  });

  it('long input in other errors is cut in the message and in ErrorInfo', async () => {
    const s = h.session({ userId: 'u' });
    const name = `t${'y'.repeat(30_000)}`;
    const r = await s.execute(sqlCommand(`SELECT * FROM ${name}`));
    const e = decodeError(r.error);
    expect(e.info?.metadata['errorClass']).toBe('TABLE_OR_VIEW_NOT_FOUND');
    expect(e.details.length).toBeLessThanOrEqual(2048);
    expect((e.info?.metadata['messageParameters'] ?? '').length).toBeLessThanOrEqual(1024);
    await s.releaseSession();
  });

  it('operations per session and per server are bounded, with a class naming the limit', async () => {
    const a = h.session({ userId: 'a' });
    const b = h.session({ userId: 'b' });
    // Operations are kept until released: two unreleased ones fill a session.
    await a.ok(root(sql('SELECT 1')));
    await a.ok(root(sql('SELECT 2')));
    const third = await a.execute(root(sql('SELECT 3')));
    expect(errorClassOf(third)).toBe('KINDLING_OPERATION_LIMIT_EXCEEDED');
    expect(decodeError(third.error).details).toContain('The session already holds 2 operations');
    await b.ok(root(sql('SELECT 1')));
    const overServer = await b.execute(root(sql('SELECT 2')));
    expect(errorClassOf(overServer)).toBe('KINDLING_OPERATION_LIMIT_EXCEEDED');
    expect(decodeError(overServer.error).details).toContain('The server already holds 3 operations');
    // Releasing makes room again.
    await a.releaseSession();
    await b.ok(root(sql('SELECT 2')));
    await b.releaseSession();
  });

  it('sessions per server are bounded; a released session makes room', async () => {
    // The harness's runtime holds a session of its own: open sessions until the limit answers.
    const held: ClientSession[] = [];
    let refused: Parameters<typeof decodeError>[0] | undefined;
    for (let i = 0; i < 3 && refused === undefined; i++) {
      const s = h.session({ userId: `s${i}` });
      refused = await s.config({ get: { keys: ['spark.sql.session.timeZone'] } }).then(
        () => void held.push(s),
        (e: unknown) => e as Parameters<typeof decodeError>[0],
      );
    }
    const extra = h.session({ userId: 'extra' });
    expect(decodeError(refused).info?.metadata['errorClass']).toBe('KINDLING_SESSION_LIMIT_EXCEEDED');
    await held[0]?.releaseSession();
    const conf = await extra.config({ get: { keys: ['spark.sql.session.timeZone'] } });
    expect(conf.pairs[0]?.value).toBe('UTC');
  });
});
