/** Time as the streaming engine sees it; tests substitute a ManualClock. */
export interface Clock {
  now(): number;
  /** Resolves once `now() >= targetMs` (or when aborted). */
  waitUntil(targetMs: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  waitUntil(targetMs, signal) {
    const delay = targetMs - Date.now();
    if (delay <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, delay);
      function done(): void {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    });
  },
};

/** A clock that moves only when told to (Spark's StreamManualClock). */
export class ManualClock implements Clock {
  private waiters: { target: number; resolve: () => void }[] = [];

  constructor(private time = 0) {}

  now(): number {
    return this.time;
  }

  advance(ms: number): void {
    this.set(this.time + ms);
  }

  set(ms: number): void {
    this.time = ms;
    const ready = this.waiters.filter((w) => w.target <= ms);
    this.waiters = this.waiters.filter((w) => w.target > ms);
    ready.forEach((w) => w.resolve());
  }

  /** True while something waits on this clock (a trigger blocked until the next interval). */
  isWaiting(): boolean {
    return this.waiters.length > 0;
  }

  waitUntil(targetMs: number, signal?: AbortSignal): Promise<void> {
    if (targetMs <= this.time || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const onAbort = (): void => {
        this.waiters = this.waiters.filter((x) => x !== w);
        resolve();
      };
      // Advancing past the target resolves it: drop the abort listener then, so a long-lived signal does not collect them.
      const w = {
        target: targetMs,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.waiters.push(w);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
