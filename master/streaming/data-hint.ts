import type { Source } from '../../engine/connectors/source.js';

/**
 * Wakes an idle trigger when its source hints that data arrived, so the default trigger's
 * polling delay (`spark.sql.streaming.pollingDelay`) is an upper bound on the wait rather than
 * the wait. A hint that came while the trigger was asking for offsets counts too: that trigger
 * may have looked before the data was there.
 */
export class DataHint {
  private hinted = false;
  /** performance.now() of the first hint since `clear` (the batch trace shows the wake-up delay). */
  private firstHintAt: number | undefined;
  private wake: (() => void) | undefined;
  private readonly unsubscribe: (() => void) | undefined;

  constructor(source: Source) {
    this.unsubscribe = source.onDataHint?.(() => {
      this.firstHintAt ??= performance.now();
      this.hinted = true;
      this.wake?.();
    });
  }

  /** Forgets earlier hints: the trigger is about to ask the source. Returns when the first of them came, if any did. */
  clear(): number | undefined {
    const at = this.firstHintAt;
    this.hinted = false;
    this.firstHintAt = undefined;
    return at;
  }

  /** Resolves after `ms`, at a hint (or at once if one came since `clear`), or when `signal` aborts. */
  wait(ms: number, signal: AbortSignal): Promise<void> {
    if (this.hinted || signal.aborted || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.wake = done;
    });
  }

  close(): void {
    this.wake?.();
    this.unsubscribe?.();
  }
}
