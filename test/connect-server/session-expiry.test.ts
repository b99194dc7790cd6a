import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timeConfMs } from '../../master/connect/sessions.js';
import { decodeError, lineServer, startHarness, type ClientSession, type Harness } from './harness.js';
import { socketLines } from './pyspark-plans.js';
import { eventually } from '../support/eventually.js';

async function startQuery(s: ClientSession, port: number, name: string): Promise<string> {
  const started = await s.ok({
    command: { write_stream_operation_start: { input: socketLines(port), format: 'memory', output_mode: 'append', query_name: name } },
  });
  return started[0]?.write_stream_operation_start_result?.query_id?.id ?? '';
}

describe('orphaned queries', () => {
  let h: Harness;
  let feed: Awaited<ReturnType<typeof lineServer>>;
  const timeoutMs = 400;

  beforeAll(async () => {
    h = await startHarness({ sessionTimeoutMs: timeoutMs });
    feed = await lineServer(['a', 'b']);
  });
  afterAll(async () => {
    await h.close();
    await feed.close();
  });

  /** The query as the master's directory lists it (what `/api/queries` shows). */
  const run = (id: string) => {
    const e = h.local.runtime.queryDirectory.get(id);
    return e && { state: e.query.isActive ? 'active' : 'stopped', sessionId: e.sessionId, userId: e.userId, name: e.query.name };
  };

  it('a session no call touched for the session timeout is released and its queries stop', async () => {
    const s = h.session({ userId: 'ann' });
    const kept = h.session({ userId: 'bob' });
    const gone = await startQuery(s, feed.port, 'orphan');
    const alive = await startQuery(kept, feed.port, 'kept');
    expect(run(gone)).toMatchObject({ state: 'active', sessionId: s.sessionId, userId: 'ann', name: 'orphan' });
    expect(run(alive)).toMatchObject({ state: 'active', sessionId: kept.sessionId, userId: 'bob' });
    // Only `kept` keeps calling; `s` goes silent as a killed client does.
    await eventually(() => {
      kept.config({ get_all: { prefix: 'spark.sql' } }).catch(() => undefined);
      return run(gone)?.state === 'stopped';
    }, 'the silent session to expire');
    expect(h.local.runtime.findSession('ann', s.sessionId)).toBeUndefined();
    expect(run(alive)?.state).toBe('active');
    // The expired session's id is refused afterwards, as after ReleaseSession.
    const late = await s.execute({ command: { sql_command: { input: { common: { plan_id: 1 }, sql: { query: 'select 1' } } } } });
    expect(decodeError(late.error).details).toContain('INVALID_HANDLE.SESSION_CLOSED');
    await kept.releaseSession();
    expect(run(alive)?.state).toBe('stopped');
  });

  it("an expired session's query stays listed, and any query can be stopped by id from the runtime", async () => {
    const s = h.session({ userId: 'cid' });
    const id = await startQuery(s, feed.port, 'to_stop');
    expect(run(id)).toMatchObject({ state: 'active', sessionId: s.sessionId, userId: 'cid', name: 'to_stop' });
    expect(await h.local.runtime.queryDirectory.stopQueryById(id)).toBe(true);
    expect(run(id)?.state).toBe('stopped');
    expect(await h.local.runtime.queryDirectory.stopQueryById(id)).toBe(false);
    // The owning session sees it stopped too.
    expect(h.local.runtime.findSession('cid', s.sessionId)?.streams.get(id)).toBeUndefined();
    await s.releaseSession();
  });

  it("reads the timeout as Spark's time conf", () => {
    expect(timeConfMs('k', '60m')).toBe(3_600_000);
    expect(timeConfMs('k', '30s')).toBe(30_000);
    expect(timeConfMs('k', '250')).toBe(250);
    expect(() => timeConfMs('k', 'soon')).toThrow('k should be in the time format');
  });
});
