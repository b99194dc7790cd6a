import { AnalysisError, IllegalArgumentError } from '../../engine/errors/errors.js';
import type { StreamingQuery } from './streaming-query.js';

/**
 * Spark's StreamingQueryManager for one session: the active queries (what `get(id)` finds), every
 * query run by run id (so a stopped query's handle keeps answering), and awaitAnyTermination.
 */
export class StreamingQueryManager {
  private readonly active = new Map<string, StreamingQuery>();
  private readonly runs = new Map<string, StreamingQuery>();
  private lastTerminated: StreamingQuery | undefined;
  private anyWaiters: (() => void)[] = [];

  /**
   * Refuses a second active query with the same name in this session (Spark's rule). A second run
   * of the same id, from any session, is the master's ActiveRuns' business.
   */
  checkCanStart(name: string | null): void {
    if (name !== null && [...this.active.values()].some((q) => q.name === name)) {
      throw new IllegalArgumentError(
        `Cannot start query with name ${name} as a query with that name is already active in this SparkSession`,
      );
    }
  }

  register(q: StreamingQuery): void {
    this.active.set(q.id, q);
    this.runs.set(q.runId, q);
    q.onTermination(() => {
      if (this.active.get(q.id) === q) this.active.delete(q.id);
      this.lastTerminated = q;
      this.anyWaiters.splice(0).forEach((w) => w());
    });
  }

  activeQueries(): StreamingQuery[] {
    return [...this.active.values()];
  }

  /** The active query with this id; undefined once it stopped or failed (Spark's `streams.get`). */
  get(id: string): StreamingQuery | undefined {
    return this.active.get(id);
  }

  /** A specific run; an error when the id or run id is unknown. */
  getRun(id: string, runId: string): StreamingQuery {
    const q = this.runs.get(runId);
    if (!q || q.id !== id) {
      throw new AnalysisError(`Streaming query with id ${id} and run id ${runId} is not found in this session.`);
    }
    return q;
  }

  /** True once any query terminated since the last reset; false on timeout. Rethrows a failure. */
  async awaitAnyTermination(timeoutMs?: number): Promise<boolean> {
    if (!this.lastTerminated) {
      const wait = new Promise<void>((resolve) => this.anyWaiters.push(resolve));
      if (timeoutMs === undefined) await wait;
      else {
        let timer: NodeJS.Timeout | undefined;
        const ok = await Promise.race([
          wait.then(() => true),
          new Promise<boolean>((r) => (timer = setTimeout(() => r(false), Math.max(0, timeoutMs)))),
        ]);
        clearTimeout(timer);
        if (!ok) return false;
      }
    }
    const failure = this.lastTerminated?.exception();
    if (failure) throw failure;
    return true;
  }

  resetTerminated(): void {
    this.lastTerminated = undefined;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.active.values()].map((q) => q.stop()));
  }
}
