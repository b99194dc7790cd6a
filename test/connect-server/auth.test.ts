import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, startHarness, type Harness } from './harness.js';
import { root, sql } from './pyspark-plans.js';

describe('token authentication', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ token: 's3cret' });
  });

  afterAll(async () => {
    await h.close();
  });

  it('accepts calls carrying `authorization: Bearer <token>`', async () => {
    const s = h.session({ token: 's3cret' });
    const conf = await s.config({ get: { keys: ['spark.sql.session.timeZone'] } });
    expect(conf.pairs[0]?.value).toBe('UTC');
    const rows = await s.ok(root(sql('SELECT 1 AS one')));
    expect(rows[rows.length - 1]?.response_type).toBe('result_complete');
  });

  it('refuses a missing or wrong token with UNAUTHENTICATED (never UNAVAILABLE)', async () => {
    for (const token of [undefined, 'wrong', 's3cret2']) {
      const s = h.session(token === undefined ? {} : { token });
      await expect(s.config({ get: { keys: ['a'] } })).rejects.toMatchObject({ code: status.UNAUTHENTICATED });
      const result = await collect(s.executeStream(root(sql('SELECT 1 AS one'))));
      expect(result.messages).toEqual([]);
      expect(result.error?.code).toBe(status.UNAUTHENTICATED);
      await expect(s.releaseSession()).rejects.toMatchObject({ code: status.UNAUTHENTICATED });
    }
  });
});
