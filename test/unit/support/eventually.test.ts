import { describe, expect, it } from 'vitest';
import { eventually, GiveUp, withDeadline } from '../../support/eventually.js';

describe('eventually()', () => {
  it('retries through throws and falsy results and returns the first truthy result', async () => {
    let attempts = 0;
    const got = await eventually(() => {
      attempts++;
      if (attempts === 1) throw new Error('not yet');
      return attempts >= 3 ? { attempts } : null;
    }, { intervalMs: 1 });
    expect(got).toEqual({ attempts: 3 });
  });

  it('awaits async conditions', async () => {
    let n = 0;
    await expect(eventually(async () => ++n === 2, { intervalMs: 1 })).resolves.toBe(true);
  });

  it('on timeout names what it waited for and the last failure', async () => {
    let n = 0;
    const wait = eventually(() => expect(++n).toBe(-1), { timeoutMs: 30, intervalMs: 1, message: 'n to be -1' });
    await expect(wait).rejects.toThrow(/timed out after 30 ms waiting for n to be -1 \(the last attempt failed: expected \d+ to be -1/);
    await expect(eventually(() => 0, { timeoutMs: 1, intervalMs: 1 })).rejects.toThrow(/waiting for a condition \(the last attempt returned 0\)/);
  });
});

describe('GiveUp', () => {
  it('ends the wait at once, long before the timeout', async () => {
    let attempts = 0;
    const wait = eventually(() => {
      attempts++;
      throw new GiveUp('the process exited');
    }, { timeoutMs: 600_000 });
    await expect(wait).rejects.toThrow('the process exited');
    expect(attempts).toBe(1);
  });
});

describe('withDeadline()', () => {
  it('passes a settled promise through and rejects one that never settles', async () => {
    await expect(withDeadline(Promise.resolve(7), 1000, 'seven')).resolves.toBe(7);
    await expect(withDeadline(new Promise<never>(() => undefined), 10, 'nothing')).rejects.toThrow('nothing: no answer in 10 ms');
  });
});
