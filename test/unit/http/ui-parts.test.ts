import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { HttpAuth, constantTimeEqual } from '../../../master/http/auth.js';
import { parseStages } from '../../../master/http/stages.js';
import { ProgressHistory } from '../../../master/streaming/progress-history.js';
import type { QueryProgress } from '../../../master/streaming/progress.js';

const req = (headers: Record<string, string>): IncomingMessage => ({ headers }) as unknown as IncomingMessage;
const url = (q = ''): URL => new URL(`http://localhost/api/queries${q}`);

describe('HTTP token check', () => {
  const auth = new HttpAuth('s3cret');

  it('compares in constant time over any lengths', () => {
    expect(constantTimeEqual('a', 'a')).toBe(true);
    expect(constantTimeEqual('a', 'ab')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
  });

  it('takes the bearer header, the login cookie or ?token=, nothing else', () => {
    expect(auth.allows(req({ authorization: 'Bearer s3cret' }), url())).toBe(true);
    expect(auth.allows(req({ authorization: 'Bearer s3cre' }), url())).toBe(false);
    expect(auth.allows(req({ authorization: 's3cret' }), url())).toBe(false);
    expect(auth.allows(req({}), url('?token=s3cret'))).toBe(true);
    expect(auth.allows(req({}), url('?token=nope'))).toBe(false);
    const cookie = auth.setCookie().split(';')[0] as string;
    expect(auth.setCookie()).toContain('HttpOnly');
    expect(cookie).not.toContain('s3cret');
    expect(auth.allows(req({ cookie: `other=1; ${cookie}` }), url())).toBe(true);
    expect(auth.allows(req({ cookie: 'kindling_token=s3cret' }), url())).toBe(false);
    expect(new HttpAuth('other').allows(req({ cookie }), url())).toBe(false);
  });

  it('leaves the probes open, and /metrics only when asked', () => {
    expect(auth.isOpen('/healthz')).toBe(true);
    expect(auth.isOpen('/readyz')).toBe(true);
    expect(auth.isOpen('/metrics')).toBe(false);
    expect(auth.isOpen('/')).toBe(false);
    expect(new HttpAuth('s3cret', true).isOpen('/metrics')).toBe(true);
    expect(new HttpAuth(undefined).isOpen('/api/cluster')).toBe(true);
  });
});

describe('ProgressHistory', () => {
  const p = (batchId: number): QueryProgress => ({ batchId }) as QueryProgress;

  it('keeps the last `capacity` batches, oldest first', () => {
    const h = new ProgressHistory(3);
    expect(h.all()).toEqual([]);
    for (let i = 0; i < 5; i++) h.push(p(i));
    expect(h.all().map((x) => x.batchId)).toEqual([2, 3, 4]);
    expect(h.all(2).map((x) => x.batchId)).toEqual([3, 4]);
    expect(h.size).toBe(3);
  });
});

describe('parseStages', () => {
  it("reads explain()'s Stages block and the exchange", () => {
    const text = [
      '== Physical Plan ==',
      'WriteToDataSourceV2 MicroBatchWrite[epoch: 3, writer: MemorySink]',
      '+- HashAggregate(keys=[window#3-T5000ms, word#1], functions=[count(1)])',
      '   +- Exchange hashpartitioning(window#3-T5000ms, word#1, 8), REQUIRED_BY_STATEFUL_OPERATOR, [plan_id=1]',
      '',
      'Stages:',
      '  Stage 0 (map, a task per source split): MicroBatchScan, Project, HashAggregate, Exchange',
      '  Stage 1 (reduce, a task per owner of the 8 state partitions, StateStore redis): StateStoreRestore, StateStoreSave',
      '  Driver (complete result): WriteToDataSourceV2',
      '',
    ].join('\n');
    const s = parseStages(text);
    expect(s.exchange).toBe('hashpartitioning(window#3-T5000ms, word#1, 8), REQUIRED_BY_STATEFUL_OPERATOR, [plan_id=1]');
    expect(s.stages.map((x) => [x.name, x.kind, x.operators.length])).toEqual([
      ['Stage 0', 'map', 4],
      ['Stage 1', 'reduce', 2],
      ['Driver', 'driver', 1],
    ]);
    expect(parseStages('No physical plan. Waiting for data.')).toEqual({ stages: [], exchange: null });
  });
});
