import { randomUUID } from 'node:crypto';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../proto/generated/spark/connect/Plan.js';
import { collect, startHarness, type ClientSession, type Harness, type Response } from './harness.js';
import { eventually } from '../support/eventually.js';

const range = (n: number): Plan => ({ root: { common: { plan_id: 1 }, range: { start: 0, end: n, step: 1 } } });

/** The ids of every arrow batch, in order, checking each batch's offset and count. */
function ids(messages: readonly Response[]): number[] {
  const out: number[] = [];
  for (const m of messages) {
    if (m.response_type !== 'arrow_batch' || !m.arrow_batch) continue;
    expect(Number(m.arrow_batch.start_offset)).toBe(out.length);
    const table = tableFromIPC(m.arrow_batch.data as Uint8Array);
    expect(table.numRows).toBe(Number(m.arrow_batch.row_count));
    for (const v of table.getChildAt(0)?.toArray() ?? []) out.push(Number(v));
  }
  return out;
}

describe('large results stream out with flow control', () => {
  let h: Harness;
  let s: ClientSession;
  const total = 300_000;

  beforeAll(async () => {
    h = await startHarness({ operationIdleTimeoutMs: 300, chunkLimits: { maxRows: 1000, maxBytes: 1 << 20 } });
    s = h.session();
  });
  afterAll(async () => {
    await h.close();
  });

  const op = (id: string) => h.server.service.operations.find('', s.sessionId, id);

  it('encodes only as fast as the client reads, and the result arrives complete and in order', async () => {
    const opId = randomUUID();
    // Not reattachable: sent responses need not be kept, so what the server holds is what it has not sent.
    const call = h.client.ExecutePlan({ ...s.request(range(total), opId), request_options: [] }, s.metadata());
    const messages: Response[] = [];
    let paused = false;
    const done = collect(call, (m) => {
      messages.push(m);
      if (!paused && messages.length === 3) {
        paused = true;
        call.pause();
      }
    });
    await eventually(() => op(opId)?.flow.producerWaiting === true && paused, 'the producer to wait for the paused client');
    const flow = op(opId)?.flow;
    expect(flow?.emitted ?? 0).toBeLessThan(total / 1000 / 2);
    expect(flow?.held ?? 0).toBeLessThanOrEqual(4);
    call.resume();
    const result = await done;
    expect(result.error).toBeUndefined();
    expect(messages.filter((m) => m.response_type === 'arrow_batch').length).toBe(total / 1000);
    const got = ids(messages);
    expect(got.length).toBe(total);
    expect(got.every((v, i) => v === i)).toBe(true);
    expect(messages.at(-1)?.response_type).toBe('result_complete');
  });

  it('releases an operation whose client went away: at once if not reattachable, after the idle timeout otherwise', async () => {
    for (const reattachable of [false, true]) {
      const opId = randomUUID();
      const request = s.request(range(total), opId);
      const call = h.client.ExecutePlan(reattachable ? request : { ...request, request_options: [] }, s.metadata());
      await new Promise<void>((resolve) => {
        call.on('data', () => {
          call.cancel();
          resolve();
        });
        call.on('error', () => undefined);
      });
      const held = op(opId);
      expect(held).toBeDefined();
      // The abandoned operation is dropped, its producer stopped short of the whole result.
      await eventually(() => op(opId) === undefined, 'the operation to be released');
      expect(held?.isRunning).toBe(false);
      expect(held?.flow.emitted ?? total).toBeLessThan(total / 1000);
      expect(held?.flow.held).toBe(0);
    }
    await eventually(() => h.server.service.operations.size === 0, 'no operation left');
  });

  it('a large range (held as a typed array) goes through filters, casts and aggregates like a small one', async () => {
    const query = "select count(*) as n, sum(id) as s, max(cast(id as string)) as m, min(id * 2) as d from range(1500000) where id % 3 = 0";
    const messages = await s.ok({ root: { common: { plan_id: 1 }, sql: { query } } });
    const batch = messages.find((m) => m.response_type === 'arrow_batch')?.arrow_batch;
    const row = tableFromIPC(batch?.data as Uint8Array).get(0)?.toJSON() as Record<string, unknown>;
    expect([Number(row['n']), Number(row['s']), row['m'], Number(row['d'])]).toEqual([500_000, 374_999_250_000, '999999', 0]);
  });

  it('ReleaseExecute(release_all) mid-stream stops the operation and drops it', async () => {
    const opId = randomUUID();
    const call = s.executeStream(range(total), opId);
    call.on('error', () => undefined);
    await new Promise<void>((resolve) => call.once('data', () => resolve()));
    call.pause();
    await s.releaseExecute(opId, { release_all: {} });
    expect(op(opId)).toBeUndefined();
    call.cancel();
  });
});
