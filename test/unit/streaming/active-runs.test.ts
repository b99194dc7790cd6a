import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ActiveRuns } from '../../../master/streaming/active-runs.js';
import type { StreamingQuery } from '../../../master/streaming/streaming-query.js';

const log = pino({ level: 'silent' });

/** A run handle: stop() ends it and tells the termination listeners, as StreamingQuery does. */
function run(runId: string): StreamingQuery & { stopped: boolean } {
  const listeners: ((q: StreamingQuery) => void)[] = [];
  const q = {
    runId,
    stopped: false,
    stop(): Promise<void> {
      q.stopped = true;
      listeners.splice(0).forEach((l) => l(q as unknown as StreamingQuery));
      return Promise.resolve();
    },
    onTermination(l: (q: StreamingQuery) => void): void {
      if (q.stopped) l(q as unknown as StreamingQuery);
      else listeners.push(l);
    },
  };
  return q as unknown as StreamingQuery & { stopped: boolean };
}

describe('ActiveRuns: one active run per query id on a master', () => {
  it('a new run stops the active one first (stopActiveRunOnRestart)', async () => {
    const runs = new ActiveRuns();
    const first = run('r1');
    (await runs.claim('q', true, log)).register(first);
    const claim = await runs.claim('q', true, log);
    expect(first.stopped).toBe(true);
    expect(runs.get('q')).toBeUndefined();
    const second = run('r2');
    claim.register(second);
    expect(runs.get('q')).toBe(second);
  });

  it("without stopActiveRunOnRestart the new run gets Spark's IllegalStateException text", async () => {
    const runs = new ActiveRuns();
    const first = run('r1');
    (await runs.claim('q', true, log)).register(first);
    await expect(runs.claim('q', false, log)).rejects.toMatchObject({
      sparkClasses: expect.arrayContaining(['java.lang.IllegalStateException']) as unknown,
      message: expect.stringContaining('Cannot start query with id q as another query with same id is already active.') as unknown,
    });
    expect(first.stopped).toBe(false);
    expect(runs.get('q')).toBe(first);
  });

  it('a start while another start of the same query is under way gets CONCURRENT_QUERY; a failed start frees the id', async () => {
    const runs = new ActiveRuns();
    const starting = await runs.claim('q', true, log);
    await expect(runs.claim('q', true, log)).rejects.toMatchObject({
      errorClass: 'CONCURRENT_QUERY',
      message: '[CONCURRENT_QUERY] Another instance of this query was just started by a concurrent session. SQLSTATE: 0A000',
    });
    starting.abandon();
    const again = await runs.claim('q', true, log);
    const q = run('r3');
    again.register(q);
    again.abandon();
    expect(runs.get('q')).toBe(q);
    await q.stop();
    expect(runs.get('q')).toBeUndefined();
  });
});
