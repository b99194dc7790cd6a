/**
 * Tests wait on conditions, never on fixed sleeps: a sleep long enough on a quiet machine is too
 * short on a loaded one (the flaky runs), and too long everywhere else. `npm run lint` rejects
 * timers (setTimeout, setInterval, timers/promises, vi.waitFor, waitForTimeout) in test/ outside
 * this folder, so every wait goes through one of these helpers.
 */

export interface EventuallyOptions {
  /** Give up after this long (default 30 s): then the error names `message` and the last failure. */
  readonly timeoutMs?: number;
  /** Pause between attempts (default 20 ms). */
  readonly intervalMs?: number;
  /** What is being waited for, as in "timed out after 30000 ms waiting for <message>"; a function is asked at the timeout (e.g. for a process's output so far). */
  readonly message?: string | (() => string);
}

/** What a passing attempt can return: not null, undefined, false, 0 or ''. */
export type Truthy<T> = Exclude<NonNullable<T>, false | 0 | ''>;

/** Thrown by a condition that can never hold any more (e.g. the process it waits on exited): the wait ends at once with it. */
export class GiveUp extends Error {}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Retries `fn` until it passes and returns what it returned. "Not yet" is a throw (e.g. a failed
 * `expect`) or a falsy result; on timeout the error carries the last failure, so a wait on
 * `expect(x).toBe(y)` still reports what x was. A `GiveUp` thrown by `fn` ends the wait at once.
 */
export async function eventually<T>(fn: () => T | Promise<T>, options: EventuallyOptions | string = {}): Promise<Truthy<T>> {
  const { timeoutMs = 30_000, intervalMs = 20, message = 'a condition' } = typeof options === 'string' ? { message: options } : options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let last: string;
    try {
      const result = await fn();
      if (result) return result as Truthy<T>;
      last = `the last attempt returned ${String(result)}`;
    } catch (e) {
      if (e instanceof GiveUp) throw e;
      last = `the last attempt failed: ${e instanceof Error ? e.message : String(e)}`;
    }
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof message === 'function' ? message() : message} (${last})`);
    await pause(intervalMs);
  }
}

/**
 * Waits for wall-clock time itself, for the few tests about time passing (a trigger interval
 * elapsing, a feeder's pace, nothing happening for a while). `why` documents the call site; it is
 * not needed at run time.
 */
export function letTimePass(ms: number, why: string): Promise<void> {
  void why;
  return pause(ms);
}

/** Rejects with "<what>: no answer in <ms> ms" unless `promise` settles first (the timer never outlives it). */
export async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
